/*
 * lazy.c - libzip, libxlsxwriter, expat, libfreexl, libqrencode, nettle
 * and hogweed, loaded on first use (lazy.h).  Each stub below has the prototype of the
 * library's header, so the compiler checks it; a function ceh starts to
 * call needs its line here (the link fails without it).
 */
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <expat.h>
#include <freexl.h>
#include <nettle/eddsa.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>
#include <qrencode.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "err.h"
#include "i18n.h"
#include "lazy.h"
#include "sonames.h"

struct lazy_lib {
	const char *soname;	/* e.g. "libzip.so.4" */
	void *_Atomic handle;	/* dlopen'd on first use */
};

#if !defined(SONAME_zip) || !defined(SONAME_xlsxwriter) || \
    !defined(SONAME_expat) || !defined(SONAME_freexl) || \
    !defined(SONAME_qrencode) || !defined(SONAME_nettle) || \
    !defined(SONAME_hogweed)
#error "lib/lazy.c needs the sonames (-DSONAME_zip=...): build with the Makefile"
#endif

static void
load_fail(const char *what, const char *why)
{
	fprintf(stderr, "ceh: ");
	fprintf(stderr, _("cannot load the library %s: %s; reinstall ceh's "
	    "dependencies"), what, why ? why : "?");
	fputc('\n', stderr);
	exit(CEH_ESYS);
}

/* The address of function name in lib, loading lib first if need be;
 * never NULL (exits 5 instead). */
static void *
lazy_sym(struct lazy_lib *lib, const char *name)
{
	void *h = atomic_load_explicit(&lib->handle, memory_order_acquire), *f;

	if (h == NULL) {
		/* two threads may both get here: dlopen of a library already
		 * loaded returns the same handle */
		if ((h = dlopen(lib->soname, RTLD_LAZY | RTLD_LOCAL)) == NULL)
			load_fail(lib->soname, dlerror());
		atomic_store_explicit(&lib->handle, h, memory_order_release);
	}
	if ((f = dlsym(h, name)) == NULL)
		load_fail(lib->soname, dlerror());
	return f;
}

/*
 * STUB(lib, type, name, (params), (args)): type name(params) calling the
 * library's name, looked up once (the typedef from the header's own
 * declaration: a stub that does not match it does not compile).  VSTUB:
 * the same for a function returning void.
 */
#define FN(lib, name) \
	typedef __typeof__(name) fn_##name; \
	static fn_##name *_Atomic p_##name; \
	static fn_##name *get_##name(void) \
	{ \
		fn_##name *f = atomic_load_explicit(&p_##name, \
		    memory_order_acquire); \
		if (f == NULL) { \
			f = (fn_##name *)lazy_sym(&lib, #name); \
			atomic_store_explicit(&p_##name, f, \
			    memory_order_release); \
		} \
		return f; \
	}
#define STUB(lib, type, name, params, args) \
	FN(lib, name) \
	type name params { return get_##name() args; }
#define VSTUB(lib, name, params, args) \
	FN(lib, name) \
	void name params { get_##name() args; }

/* libzip: bundle.c (attachments) and ziparch.c (.xlsx in) */
static struct lazy_lib zip = { SONAME_zip, NULL };
STUB(zip, int, zip_close, (zip_t *a), (a))
STUB(zip, int, zip_delete, (zip_t *a, zip_uint64_t b), (a, b))
VSTUB(zip, zip_discard, (zip_t *a), (a))
STUB(zip, int, zip_error_code_system, (const zip_error_t *a), (a))
VSTUB(zip, zip_error_fini, (zip_error_t *a), (a))
VSTUB(zip, zip_error_init, (zip_error_t *a), (a))
VSTUB(zip, zip_error_init_with_code, (zip_error_t *a, int b), (a, b))
STUB(zip, const char *, zip_error_strerror, (zip_error_t *a), (a))
STUB(zip, int, zip_fclose, (zip_file_t *a), (a))
STUB(zip, zip_int64_t, zip_file_add, (zip_t *a, const char *b,
    zip_source_t *c, zip_flags_t d), (a, b, c, d))
STUB(zip, int, zip_file_set_external_attributes, (zip_t *a, zip_uint64_t b,
    zip_flags_t c, zip_uint8_t d, zip_uint32_t f), (a, b, c, d, f))
STUB(zip, const char *, zip_file_strerror, (zip_file_t *a), (a))
STUB(zip, zip_file_t *, zip_fopen_index, (zip_t *a, zip_uint64_t b,
    zip_flags_t c), (a, b, c))
STUB(zip, zip_int64_t, zip_fread, (zip_file_t *a, void *b, zip_uint64_t c),
    (a, b, c))
STUB(zip, const char *, zip_get_name, (zip_t *a, zip_uint64_t b,
    zip_flags_t c), (a, b, c))
STUB(zip, zip_int64_t, zip_get_num_entries, (zip_t *a, zip_flags_t b),
    (a, b))
STUB(zip, zip_int64_t, zip_name_locate, (zip_t *a, const char *b,
    zip_flags_t c), (a, b, c))
STUB(zip, zip_t *, zip_open, (const char *a, int b, int *c), (a, b, c))
STUB(zip, zip_t *, zip_open_from_source, (zip_source_t *a, int b,
    zip_error_t *c), (a, b, c))
STUB(zip, int, zip_set_file_compression, (zip_t *a, zip_uint64_t b,
    zip_int32_t c, zip_uint32_t d), (a, b, c, d))
STUB(zip, zip_source_t *, zip_source_buffer, (zip_t *a, const void *b,
    zip_uint64_t c, int d), (a, b, c, d))
STUB(zip, zip_source_t *, zip_source_buffer_create, (const void *a,
    zip_uint64_t b, int c, zip_error_t *d), (a, b, c, d))
STUB(zip, int, zip_source_close, (zip_source_t *a), (a))
VSTUB(zip, zip_source_free, (zip_source_t *a), (a))
VSTUB(zip, zip_source_keep, (zip_source_t *a), (a))
STUB(zip, int, zip_source_open, (zip_source_t *a), (a))
STUB(zip, zip_int64_t, zip_source_read, (zip_source_t *a, void *b,
    zip_uint64_t c), (a, b, c))
STUB(zip, int, zip_source_stat, (zip_source_t *a, zip_stat_t *b), (a, b))
STUB(zip, int, zip_stat, (zip_t *a, const char *b, zip_flags_t c,
    zip_stat_t *d), (a, b, c, d))
STUB(zip, int, zip_stat_index, (zip_t *a, zip_uint64_t b, zip_flags_t c,
    zip_stat_t *d), (a, b, c, d))
VSTUB(zip, zip_stat_init, (zip_stat_t *a), (a))
STUB(zip, const char *, zip_strerror, (zip_t *a), (a))

/* libxlsxwriter: xlsxout.c (.xlsx out) */
static struct lazy_lib xlsxwriter = { SONAME_xlsxwriter, NULL };
VSTUB(xlsxwriter, format_set_bold, (lxw_format *a), (a))
VSTUB(xlsxwriter, format_set_num_format, (lxw_format *a, const char *b),
    (a, b))
STUB(xlsxwriter, char *, lxw_strerror, (lxw_error a), (a))
VSTUB(xlsxwriter, lxw_workbook_free, (lxw_workbook *a), (a))
STUB(xlsxwriter, lxw_format *, workbook_add_format, (lxw_workbook *a), (a))
STUB(xlsxwriter, lxw_worksheet *, workbook_add_worksheet, (lxw_workbook *a,
    const char *b), (a, b))
STUB(xlsxwriter, lxw_error, workbook_close, (lxw_workbook *a), (a))
STUB(xlsxwriter, lxw_workbook *, workbook_new_opt, (const char *a,
    lxw_workbook_options *b), (a, b))
STUB(xlsxwriter, lxw_error, workbook_validate_sheet_name, (lxw_workbook *a,
    const char *b), (a, b))
VSTUB(xlsxwriter, worksheet_freeze_panes, (lxw_worksheet *a, lxw_row_t b,
    lxw_col_t c), (a, b, c))
STUB(xlsxwriter, lxw_error, worksheet_set_column, (lxw_worksheet *a,
    lxw_col_t b, lxw_col_t c, double d, lxw_format *f), (a, b, c, d, f))
STUB(xlsxwriter, lxw_error, worksheet_write_number, (lxw_worksheet *a,
    lxw_row_t b, lxw_col_t c, double d, lxw_format *f), (a, b, c, d, f))
STUB(xlsxwriter, lxw_error, worksheet_write_string, (lxw_worksheet *a,
    lxw_row_t b, lxw_col_t c, const char *d, lxw_format *f),
    (a, b, c, d, f))

/* expat: xlsx.c (.xlsx in) */
static struct lazy_lib expat = { SONAME_expat, NULL };
STUB(expat, const XML_LChar *, XML_ErrorString, (enum XML_Error a), (a))
STUB(expat, void *, XML_GetBuffer, (XML_Parser a, int b), (a, b))
STUB(expat, XML_Size, XML_GetCurrentLineNumber, (XML_Parser a), (a))
STUB(expat, enum XML_Error, XML_GetErrorCode, (XML_Parser a), (a))
VSTUB(expat, XML_GetParsingStatus, (XML_Parser a, XML_ParsingStatus *b),
    (a, b))
STUB(expat, enum XML_Status, XML_Parse, (XML_Parser a, const char *b, int c,
    int d), (a, b, c, d))
STUB(expat, enum XML_Status, XML_ParseBuffer, (XML_Parser a, int b, int c),
    (a, b, c))
STUB(expat, XML_Parser, XML_ParserCreate, (const XML_Char *a), (a))
VSTUB(expat, XML_ParserFree, (XML_Parser a), (a))
STUB(expat, enum XML_Status, XML_ResumeParser, (XML_Parser a), (a))
VSTUB(expat, XML_SetCharacterDataHandler, (XML_Parser a,
    XML_CharacterDataHandler b), (a, b))
VSTUB(expat, XML_SetElementHandler, (XML_Parser a, XML_StartElementHandler b,
    XML_EndElementHandler c), (a, b, c))
VSTUB(expat, XML_SetStartDoctypeDeclHandler, (XML_Parser a,
    XML_StartDoctypeDeclHandler b), (a, b))
VSTUB(expat, XML_SetUserData, (XML_Parser a, void *b), (a, b))
STUB(expat, enum XML_Status, XML_StopParser, (XML_Parser a, XML_Bool b),
    (a, b))

/* libfreexl: xls.c (.xls in) */
static struct lazy_lib freexl = { SONAME_freexl, NULL };
STUB(freexl, int, freexl_close, (const void *a), (a))
STUB(freexl, int, freexl_get_cell_value, (const void *a, unsigned int b,
    unsigned short c, FreeXL_CellValue *d), (a, b, c, d))
STUB(freexl, int, freexl_get_info, (const void *a, unsigned short b,
    unsigned int *c), (a, b, c))
STUB(freexl, int, freexl_get_worksheet_name, (const void *a,
    unsigned short b, const char **c), (a, b, c))
STUB(freexl, int, freexl_open, (const char *a, const void **b), (a, b))
STUB(freexl, int, freexl_select_active_worksheet, (const void *a,
    unsigned short b), (a, b))
STUB(freexl, int, freexl_worksheet_dimensions, (const void *a,
    unsigned int *b, unsigned short *c), (a, b, c))

/* libqrencode: qr.c (slips) */
static struct lazy_lib qrencode = { SONAME_qrencode, NULL };
STUB(qrencode, QRcode *, QRcode_encodeString, (const char *a, int b,
    QRecLevel c, QRencodeMode d, int f), (a, b, c, d, f))
VSTUB(qrencode, QRcode_free, (QRcode *a), (a))

/* nettle: hash.c (SHA-256, HMAC-SHA-256) */
static struct lazy_lib nettle = { SONAME_nettle, NULL };
VSTUB(nettle, nettle_sha256_init, (struct sha256_ctx *a), (a))
VSTUB(nettle, nettle_sha256_update, (struct sha256_ctx *a, size_t b,
    const uint8_t *c), (a, b, c))
VSTUB(nettle, nettle_sha256_digest, (struct sha256_ctx *a, size_t b,
    uint8_t *c), (a, b, c))
VSTUB(nettle, nettle_hmac_sha256_set_key, (struct hmac_sha256_ctx *a,
    size_t b, const uint8_t *c), (a, b, c))
VSTUB(nettle, nettle_hmac_sha256_update, (struct hmac_sha256_ctx *a,
    size_t b, const uint8_t *c), (a, b, c))
VSTUB(nettle, nettle_hmac_sha256_digest, (struct hmac_sha256_ctx *a,
    size_t b, uint8_t *c), (a, b, c))

/* hogweed (and gmp): sign.c (Ed25519) */
static struct lazy_lib hogweed = { SONAME_hogweed, NULL };
VSTUB(hogweed, nettle_ed25519_sha512_public_key, (uint8_t *a,
    const uint8_t *b), (a, b))
VSTUB(hogweed, nettle_ed25519_sha512_sign, (const uint8_t *a,
    const uint8_t *b, size_t c, const uint8_t *d, uint8_t *f),
    (a, b, c, d, f))
STUB(hogweed, int, nettle_ed25519_sha512_verify, (const uint8_t *a, size_t b,
    const uint8_t *c, const uint8_t *d), (a, b, c, d))
