/**
 * {@code .dockerignore} parsing and matching with Docker's semantics (moby/patternmatcher),
 * including a parent-aware API for walkers that skip whole directories.
 */
package dev.kiln.frontend.dockerfile.dockerignore;
