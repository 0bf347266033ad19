/**
 * The typed Dockerfile model: {@link dev.kiln.frontend.dockerfile.instructions.Instruction}s,
 * {@link dev.kiln.frontend.dockerfile.instructions.Stage}s, global ARG resolution, Docker's
 * expansion rules per instruction and stage dependencies for {@code --target}.
 */
package dev.kiln.frontend.dockerfile.instructions;
