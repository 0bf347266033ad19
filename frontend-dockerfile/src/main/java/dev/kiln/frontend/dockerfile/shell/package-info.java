/**
 * Word expansion of Dockerfile arguments ({@code $VAR}, {@code ${VAR:-default}}, quotes, escapes,
 * word splitting), matching Docker's behaviour.
 */
package dev.kiln.frontend.dockerfile.shell;
