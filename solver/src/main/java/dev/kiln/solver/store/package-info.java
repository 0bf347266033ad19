/**
 * On-disk adapters of core's storage ports: {@link dev.kiln.solver.store.LocalContentStore}, the
 * content-addressed blob store of the local worker.
 */
package dev.kiln.solver.store;
