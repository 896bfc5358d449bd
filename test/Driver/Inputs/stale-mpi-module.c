/* A libdlc-mpi.so from another dlc build: its interface version differs
 * (test/Driver/distributed-module.test). */
#include <stddef.h>
#include <stdint.h>
int dlc_mpi_abi_version(void) { return 99; }
int dlc_mpi_join(int *rank, int *size, char *error, size_t capacity) {
  return 0;
}
int dlc_mpi_allreduce_sum(void *data, int64_t n, int isDouble, char *error,
                          size_t capacity) {
  return 0;
}
void dlc_mpi_abort(int code) {}
void dlc_mpi_finalize(void) {}
