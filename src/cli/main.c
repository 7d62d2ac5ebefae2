/*
 * coco-bundle: init, lint, create, verify, inspect, extract and countersign signed Code of
 * Connection bundles.
 * main() initialises the library once and dispatches to a subcommand from a table,
 * as git does; each subcommand parses its own options.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
    {"init", cmd_init, "start a submission folder with a skeleton assessment.xml"},
    {"lint", cmd_lint, "check a submission folder with SIA's rules before signing"},
    {"create", cmd_create, "package and sign a submission folder as an ASiC-E bundle"},
    {"verify", cmd_verify, "verify a bundle and report PASSED, FAILED or INDETERMINATE"},
    {"inspect", cmd_inspect, "list a bundle's entries, digests and signer without judging"},
    {"extract", cmd_extract, "extract the data objects of a bundle that verifies"},
    {"countersign", cmd_countersign, "record the SIRO's decision in a bundle, signed"},
    {"timestamp", cmd_timestamp, "add an archive timestamp (CAdES LTA) to a bundle"},
    {"reverify", cmd_reverify, "re-verify a register of bundles and report what expires"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: coco-bundle [--version] [--help] COMMAND [ARGS]\n"
		     "       coco-bundle help [COMMAND]\n\n"
		     "Signed ETSI ASiC-E bundles for SIA Code of Connection submissions.\n\n"
		     "Commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\nRun 'coco-bundle help COMMAND' (or 'coco-bundle COMMAND --help') for a\n"
		"command's options; see coco-bundle(1).\n"
		"Trust directory: --trust DIR, else $COCO_TRUST, else %s.\n"
		"Exit status: 0 ok/PASSED, 1 FAILED, 2 usage or I/O error, 3 INDETERMINATE,\n"
		"4 EXPIRING (reverify).\n",
		cli_default_trust);
}

/* The command named name, or N_COMMANDS (with the error printed). */
static size_t find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return i;
	cli_error("'%s' is not a command; see 'coco-bundle --help'", name);
	return N_COMMANDS;
}

/* coco-bundle help [COMMAND]: the overview, or that command's --help. */
static int help(int argc, char **argv)
{
	char opt[] = "--help";
	char *args[3] = {NULL, opt, NULL};
	size_t i;

	if (argc == 2) {
		usage(stdout);
		return 0;
	}
	if (argc > 3)
		return cli_error("help takes at most one COMMAND; see 'coco-bundle --help'");
	if ((i = find_command(argv[2])) == N_COMMANDS)
		return EXIT_USAGE;
	args[0] = argv[2];
	return commands[i].run(2, args);
}

int main(int argc, char **argv)
{
	size_t i;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0)
		return help(argc, argv);
	if (strcmp(argv[1], "--version") == 0) {
		printf("coco-bundle %s\n", COCO_VERSION);
		return 0;
	}
	if ((i = find_command(argv[1])) == N_COMMANDS)
		return EXIT_USAGE;
	coco_library_init();
	rc = commands[i].run(argc - 1, argv + 1);
	coco_library_cleanup();
	return rc;
}
