/*===- MpiPlugin.h - the C ABI between dlc and its MPI plugin ------------===
 *
 * dlc (MpiLoader.cpp) looks these up by name in libdlc-mpi.so; the module
 * and dlc come from one build, and dlc_mpi_abi_version guards against a
 * stale module left in the library directory.
 *
 *===----------------------------------------------------------------------===*/
#ifndef DL_DISTRIBUTED_MPIPLUGIN_H
#define DL_DISTRIBUTED_MPIPLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define DLC_MPI_ABI_VERSION 1

#ifdef __cplusplus
extern "C" {
#endif

int dlc_mpi_abi_version(void);
/* MPI_Init (unless done) and MPI_COMM_WORLD's rank and size; 0 with a
 * message in `error` on failure. */
int dlc_mpi_join(int *rank, int *size, char *error, size_t capacity);
/* Sums `n` floats (or doubles) in place over the ranks; 0 with a message on
 * an MPI error. */
int dlc_mpi_allreduce_sum(void *data, int64_t n, int isDouble, char *error,
                          size_t capacity);
void dlc_mpi_abort(int code);
void dlc_mpi_finalize(void);

#ifdef __cplusplus
}
#endif

#endif /* DL_DISTRIBUTED_MPIPLUGIN_H */
