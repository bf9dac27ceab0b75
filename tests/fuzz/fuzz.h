/* Shared by the fuzz harnesses: the libFuzzer entry point, and a private
 * scratch folder (made once per process) into which a harness writes its
 * input when the code under test reads files. */
#ifndef LOANSIM_FUZZ_H
#define LOANSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
/* The scratch folder; "machines/" in it holds copies of the machine
 * profiles, so that scenarios that include them resolve. */
const char	*fuzz_scratch(void);
/* Write data to fuzz_scratch()/name; returns the full path (static). */
const char	*fuzz_write(const char *name, const uint8_t *, size_t);

#endif
