/**
 * The Dockerfile frontend: parsing of Dockerfiles and {@code .dockerignore} files into a typed
 * model. Sub-packages: {@code shell} (word expansion), {@code parser} (logical lines and nodes),
 * {@code instructions} (typed instructions and stages), {@code dockerignore} (context filtering).
 */
package dev.kiln.frontend.dockerfile;
