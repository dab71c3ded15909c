/*
 * help.h - the long help of each command (`ceh help CMD`): the
 * description and options of its man page, in English and, where the
 * page is translated, in Chinese; generated from man/ at build time
 * (tools/helpgen.sh).
 */
#ifndef CEH_HELP_H
#define CEH_HELP_H

#include <stddef.h>

struct help_page {
	const char *name;	/* command: "review" for ceh-review.1 */
	const char *lang;	/* "en" or "zh_CN" */
	const char *text;	/* rendered, UTF-8, ends with a newline */
};

extern const struct help_page help_pages[];

/* The page of cmd in the user's language (English when it has no
 * translation), or NULL. */
const char *help_text(const char *cmd);

#endif
