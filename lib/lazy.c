/*
 * lazy.c - libzip, libxlsxwriter, expat, libfreexl, libqrencode, nettle,
 * libsodium, libyaml and libcsv, loaded on first use (lazy.h).  Each stub below has the prototype of the
 * library's header, so the compiler checks it; a function ceh starts to
 * call needs its line here (the link fails without it).
 */
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <csv.h>
#include <expat.h>
#include <freexl.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>
#include <qrencode.h>
#include <sodium.h>
#include <xlsxwriter.h>
#include <yaml.h>
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
    !defined(SONAME_sodium) || !defined(SONAME_yaml) || \
    !defined(SONAME_csv)
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

/* libsodium: sign.c (Ed25519) */
static struct lazy_lib sodium = { SONAME_sodium, NULL };
STUB(sodium, int, sodium_init, (void), ())
VSTUB(sodium, sodium_memzero, (void *const a, const size_t b), (a, b))
STUB(sodium, int, crypto_sign_seed_keypair, (unsigned char *a,
    unsigned char *b, const unsigned char *c), (a, b, c))
STUB(sodium, int, crypto_sign_detached, (unsigned char *a,
    unsigned long long *b, const unsigned char *c, unsigned long long d,
    const unsigned char *f), (a, b, c, d, f))
STUB(sodium, int, crypto_sign_verify_detached, (const unsigned char *a,
    const unsigned char *b, unsigned long long c, const unsigned char *d),
    (a, b, c, d))

/* libyaml: ytree.c (every document) */
static struct lazy_lib yaml = { SONAME_yaml, NULL };
STUB(yaml, int, yaml_document_end_event_initialize, (yaml_event_t *a, int b),
    (a, b))
STUB(yaml, int, yaml_document_start_event_initialize, (yaml_event_t *a,
    yaml_version_directive_t *b, yaml_tag_directive_t *c,
    yaml_tag_directive_t *d, int f), (a, b, c, d, f))
VSTUB(yaml, yaml_emitter_delete, (yaml_emitter_t *a), (a))
STUB(yaml, int, yaml_emitter_emit, (yaml_emitter_t *a, yaml_event_t *b),
    (a, b))
STUB(yaml, int, yaml_emitter_flush, (yaml_emitter_t *a), (a))
STUB(yaml, int, yaml_emitter_initialize, (yaml_emitter_t *a), (a))
VSTUB(yaml, yaml_emitter_set_indent, (yaml_emitter_t *a, int b), (a, b))
VSTUB(yaml, yaml_emitter_set_output, (yaml_emitter_t *a,
    yaml_write_handler_t *b, void *c), (a, b, c))
VSTUB(yaml, yaml_emitter_set_unicode, (yaml_emitter_t *a, int b), (a, b))
VSTUB(yaml, yaml_emitter_set_width, (yaml_emitter_t *a, int b), (a, b))
VSTUB(yaml, yaml_event_delete, (yaml_event_t *a), (a))
STUB(yaml, int, yaml_mapping_end_event_initialize, (yaml_event_t *a), (a))
STUB(yaml, int, yaml_mapping_start_event_initialize, (yaml_event_t *a,
    const yaml_char_t *b, const yaml_char_t *c, int d,
    yaml_mapping_style_t f), (a, b, c, d, f))
VSTUB(yaml, yaml_parser_delete, (yaml_parser_t *a), (a))
STUB(yaml, int, yaml_parser_initialize, (yaml_parser_t *a), (a))
STUB(yaml, int, yaml_parser_parse, (yaml_parser_t *a, yaml_event_t *b),
    (a, b))
VSTUB(yaml, yaml_parser_set_input_string, (yaml_parser_t *a,
    const unsigned char *b, size_t c), (a, b, c))
STUB(yaml, int, yaml_scalar_event_initialize, (yaml_event_t *a,
    const yaml_char_t *b, const yaml_char_t *c, const yaml_char_t *d, int f,
    int g, int h, yaml_scalar_style_t i), (a, b, c, d, f, g, h, i))
STUB(yaml, int, yaml_sequence_end_event_initialize, (yaml_event_t *a), (a))
STUB(yaml, int, yaml_sequence_start_event_initialize, (yaml_event_t *a,
    const yaml_char_t *b, const yaml_char_t *c, int d,
    yaml_sequence_style_t f), (a, b, c, d, f))
STUB(yaml, int, yaml_stream_end_event_initialize, (yaml_event_t *a), (a))
STUB(yaml, int, yaml_stream_start_event_initialize, (yaml_event_t *a,
    yaml_encoding_t b), (a, b))

/* libcsv: csvimport.c (import; csv_error and csv_strerror for the
 * benchmark's floor, tests/bench/csvfloor.c) */
static struct lazy_lib csv = { SONAME_csv, NULL };
STUB(csv, int, csv_fini, (struct csv_parser *a,
    void (*b)(void *, size_t, void *), void (*c)(int, void *), void *d),
    (a, b, c, d))
VSTUB(csv, csv_free, (struct csv_parser *a), (a))
STUB(csv, int, csv_init, (struct csv_parser *a, unsigned char b), (a, b))
STUB(csv, size_t, csv_parse, (struct csv_parser *a, const void *b, size_t c,
    void (*d)(void *, size_t, void *), void (*f)(int, void *), void *g),
    (a, b, c, d, f, g))
VSTUB(csv, csv_set_blk_size, (struct csv_parser *a, size_t b), (a, b))
STUB(csv, int, csv_error, (struct csv_parser *a), (a))
STUB(csv, char *, csv_strerror, (int a), (a))
