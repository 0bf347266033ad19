/**
 * The Dockerfile parser: logical lines, continuations, comments, parser directives, JSON and shell
 * forms, flags and here-documents, producing {@link dev.kiln.frontend.dockerfile.parser.Node}s.
 */
package dev.kiln.frontend.dockerfile.parser;
