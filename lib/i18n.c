/*
 * i18n.c - setlocale and the catalog's folder (i18n.h).
 */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

#ifndef CEH_LOCALEDIR
#define CEH_LOCALEDIR "/usr/local/share/locale"
#endif

static char dir[PATH_MAX + 32];

static int
has_catalog(const char *d)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/zh_CN/LC_MESSAGES/ceh.mo", d);
	return access(p, R_OK) == 0;
}

/* $CEH_LOCALEDIR, else the build tree next to the executable (locale/
 * beside build-san/ceh, build/locale beside ./ceh), else the installed
 * folder. */
static void
find_dir(void)
{
	const char *env = getenv("CEH_LOCALEDIR");
	char exe[PATH_MAX];

	if (env && *env) {
		snprintf(dir, sizeof(dir), "%s", env);
		return;
	}
	if (exe_dir(exe, sizeof(exe)) == 0) {
		snprintf(dir, sizeof(dir), "%s/locale", exe);
		if (has_catalog(dir))
			return;
		snprintf(dir, sizeof(dir), "%s/build/locale", exe);
		if (has_catalog(dir))
			return;
	}
	snprintf(dir, sizeof(dir), "%s", CEH_LOCALEDIR);
}

/* The locale name the environment asks for messages, as setlocale
 * would read it. */
static const char *
wanted(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) != NULL && *v)
			return v;
	return "C";
}

void
i18n_init(void)
{
	const char *want, *lang;
	char code[16];
	size_t n;

	/* Only the two categories ceh uses: characters and messages (no
	 * collation, no local dates or numbers).  LC_ALL would load every
	 * category, and each is a file of its own for the C.UTF-8 that
	 * Debian sets by default: a quarter of the start-up. */
	if (setlocale(LC_CTYPE, "") == NULL ||
	    setlocale(LC_MESSAGES, "") == NULL) {
		/* not installed here: UTF-8 text handling, and the language
		 * of the name asked for through LANGUAGE (which gettext
		 * honours in any locale but C itself) */
		want = wanted();
		setlocale(LC_CTYPE, "C.UTF-8");
		setlocale(LC_MESSAGES, "C.UTF-8");
		lang = getenv("LANGUAGE");
		n = strcspn(want, ".@");
		if ((lang == NULL || *lang == '\0') && n > 0 &&
		    n < sizeof(code) && strcmp(want, "C") != 0 &&
		    strcmp(want, "POSIX") != 0) {
			memcpy(code, want, n);
			code[n] = '\0';
			setenv("LANGUAGE", code, 1);
		}
	}
	find_dir();
	bindtextdomain("ceh", dir);
	bind_textdomain_codeset("ceh", "UTF-8");
	textdomain("ceh");
}

const char *
i18n_dir(void)
{
	return dir;
}

int
i18n_chinese(void)
{
	/* the catalog's own header entry names its language */
	const char *h = gettext("");

	return h && strstr(h, "Language: zh") != NULL;
}
