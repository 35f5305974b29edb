/*
 * cli/cli.h - the subcommands of the mxshim command.
 *
 * Each cmd_* gets the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit status: 0 success, 1 the input
 * was bad (invalid rules, unknown domain...), 2 usage error, 75 (EX_TEMPFAIL)
 * temporary failure.  Only main() exits.
 */
#ifndef MXSHIM_CLI_H
#define MXSHIM_CLI_H

#include "rules.h"

int cmd_check(int argc, char **argv);
int cmd_route(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_ctl(int argc, char **argv);
int cmd_test(int argc, char **argv);

/*
 * Print a diagnostic as "FILE:LINE:COLUMN: message" (errors) or
 * "FILE:LINE:COLUMN: warning: message"; arg, when not NULL, is an int that
 * counts the errors.
 */
rules_diag_fn cli_print_diag;

/*
 * Load the rules file at path for the subcommand cmd ("route"), its
 * errors printed by cli_print_diag(), or why it cannot be read.  NULL
 * when it was not loaded.
 */
struct rules *cli_load_rules(const char *cmd, const char *path);

#endif
