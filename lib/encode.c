#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "xalloc.h"

static const char b64url_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char b58_digits[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

void
b64url_encode(const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	unsigned long v;
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 |
		    p[i + 2];
		out[o++] = b64url_digits[v >> 18 & 63];
		out[o++] = b64url_digits[v >> 12 & 63];
		out[o++] = b64url_digits[v >> 6 & 63];
		out[o++] = b64url_digits[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned long)p[i] << 16;
		out[o++] = b64url_digits[v >> 18 & 63];
		out[o++] = b64url_digits[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8;
		out[o++] = b64url_digits[v >> 18 & 63];
		out[o++] = b64url_digits[v >> 12 & 63];
		out[o++] = b64url_digits[v >> 6 & 63];
	}
	out[o] = '\0';
}

char *
b64url_encode_alloc(const void *in, size_t n)
{
	char *out = xmalloc(B64URL_LEN(n) + 1);

	b64url_encode(in, n, out);
	return out;
}

static int
b64url_value(char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(b64url_digits, c)) == NULL)
		return -1;
	return (int)(p - b64url_digits);
}

ssize_t
b64url_decode(const char *in, size_t len, void *out, size_t max)
{
	unsigned char *o = out;
	unsigned long acc = 0;
	size_t i, n = 0;
	int bits = 0, d;

	if (len % 4 == 1 || len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0) > max)
		return -1;
	for (i = 0; i < len; i++) {
		if ((d = b64url_value(in[i])) < 0)
			return -1;
		acc = (acc << 6 | (unsigned long)d) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[n++] = (unsigned char)(acc >> bits);
		}
	}
	/* the unused low bits of the last character must be zero */
	if (bits > 0 && (acc & ((1UL << bits) - 1)) != 0)
		return -1;
	return (ssize_t)n;
}

char *
b58_encode(const void *in, size_t n)
{
	const unsigned char *p = in;
	size_t zeros = 0, size, len = 0, i, j;
	unsigned char *digits;
	char *out;

	while (zeros < n && p[zeros] == 0)
		zeros++;
	size = (n - zeros) * 138 / 100 + 1;	/* log(256) / log(58) */
	digits = xcalloc(size, 1);
	for (i = zeros; i < n; i++) {
		unsigned int carry = p[i];

		/* digits[0..len) is the number so far, least significant
		 * first; multiply by 256 and add the byte */
		for (j = 0; j < len || carry; j++) {
			if (j == len)
				len++;
			carry += 256u * digits[j];
			digits[j] = (unsigned char)(carry % 58);
			carry /= 58;
		}
	}
	out = xmalloc(zeros + len + 1);
	memset(out, '1', zeros);
	for (i = 0; i < len; i++)
		out[zeros + i] = b58_digits[digits[len - 1 - i]];
	out[zeros + len] = '\0';
	free(digits);
	return out;
}

ssize_t
b58_decode(const char *in, void *out, size_t max)
{
	unsigned char num[256], *o = out;
	size_t zeros = 0, len = 0, i, j;
	const char *p;

	while (in[zeros] == '1')
		zeros++;
	for (i = zeros; in[i]; i++) {
		unsigned int carry;

		if ((p = strchr(b58_digits, in[i])) == NULL)
			return -1;
		carry = (unsigned int)(p - b58_digits);
		/* num[0..len) least significant first: times 58 plus digit */
		for (j = 0; j < len || carry; j++) {
			if (j == len) {
				if (len == sizeof(num))
					return -1;
				len++;
				num[j] = 0;
			}
			carry += 58u * num[j];
			num[j] = (unsigned char)(carry & 0xff);
			carry >>= 8;
		}
	}
	if (zeros + len > max)
		return -1;
	memset(o, 0, zeros);
	for (i = 0; i < len; i++)
		o[zeros + i] = num[len - 1 - i];
	return (ssize_t)(zeros + len);
}

void
hex_encode(const void *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = in;
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

ssize_t
hex_decode(const char *in, void *out, size_t max)
{
	unsigned char *o = out;
	size_t len = strlen(in), i;
	int hi, lo;

	if (len % 2 || len / 2 > max)
		return -1;
	for (i = 0; i < len / 2; i++) {
		if ((hi = hex_value(in[2 * i])) < 0 ||
		    (lo = hex_value(in[2 * i + 1])) < 0)
			return -1;
		o[i] = (unsigned char)(hi << 4 | lo);
	}
	return (ssize_t)(len / 2);
}
