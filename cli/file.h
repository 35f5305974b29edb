/*
 * cli/file.h - the files of `mxshim import` and `mxshim export`: a source
 * read whole, an output replaced atomically (a reader sees the old file
 * or the new one, never half of one, even across a crash).
 */
#ifndef MXSHIM_CLI_FILE_H
#define MXSHIM_CLI_FILE_H

#include <stddef.h>

/*
 * Read a whole file (or stdin for "-") into a NUL-ended malloc'ed buffer.
 * Returns NULL with errno set.
 */
char *cli_read_file(const char *path, size_t *lenp);

/*
 * Write text to path atomically: path.tmp in the same directory, fsync,
 * rename, fsync the directory.  mode is used for the new file (0600 when
 * it holds credentials).  Returns 0, or -1 with errno set (the old file is
 * then untouched and the temporary removed).
 */
int cli_write_atomic(const char *path, const char *text, size_t len,
    unsigned mode);

#endif
