/** Implementation helpers of the image module; not an API. */
package dev.kiln.image.internal;
