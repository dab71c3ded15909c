/*
 * i18n.h - the user's language (gettext, text domain "ceh").
 *
 * Every sentence a person reads goes through _() (or Q_() when it
 * depends on a count); N_() marks a string in a table that is
 * translated where it is printed.  Words that scripts read are never
 * translated: stage and event codes, TSV/CSV/JSON keys, the outcome
 * column of batch output, exit codes (ceh(1) LANGUAGE).
 *
 * The catalog is po/zh_CN.po, built into LOCALEDIR/zh_CN/LC_MESSAGES/
 * ceh.mo; an uninstalled ceh finds the one of its build tree.  Output
 * is UTF-8 whatever the locale's character set.
 */
#ifndef CEH_I18N_H
#define CEH_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
#define Q_(one, many, n) ngettext(one, many, (unsigned long)(n))

/*
 * Take the language from the environment (LANGUAGE, LC_ALL,
 * LC_MESSAGES, LANG) and bind the catalog.  Numbers keep the C form
 * ("8.5", never "8,5") in every locale.  When the locale asked for is
 * not installed, character handling falls back to C.UTF-8 and messages
 * still follow the language asked for (when ceh has a catalog for it).
 */
void i18n_init(void);
/* Where the catalog was looked for (the folder holding zh_CN/). */
const char *i18n_dir(void);
/* 1 when messages are Chinese (for text composed in code, e.g. labels
 * chosen between two forms). */
int i18n_chinese(void);

#endif
