/*
 * test-mention.c: proto_mentions (proto/proto-mention.c), who a post's
 * text names, and the checks of a resource's fields (tags, links, the
 * SHA-256 of an attachment). A mention decides who is notified, so an
 * address, a sentence's full stop and a repeat are spelt out.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "proto.h"

static int
mentions(const char *text, char (*names)[PROTO_MAX_NAME + 1])
{
	return proto_mentions(text, names, PROTO_MAX_MENTIONS);
}

Test(mention, names)
{
	char	n[PROTO_MAX_MENTIONS][PROTO_MAX_NAME + 1];

	cr_assert_eq(mentions("@amira could you share the template?", n), 1);
	cr_expect_str_eq(n[0], "amira");
	cr_assert_eq(mentions("thanks @amira. and @ben_k, @amira again", n),
	    2);
	cr_expect_str_eq(n[0], "amira");
	cr_expect_str_eq(n[1], "ben_k");
	cr_assert_eq(mentions("(@o.koval)", n), 1);
	cr_expect_str_eq(n[0], "o.koval");
	cr_assert_eq(mentions("привіт @oksana!", n), 1);
	cr_expect_str_eq(n[0], "oksana");
	cr_assert_eq(mentions("line\n@x-y", n), 1);
	cr_expect_str_eq(n[0], "x-y");
}

Test(mention, not_names)
{
	char	n[PROTO_MAX_MENTIONS][PROTO_MAX_NAME + 1];

	cr_expect_eq(mentions("write to ana@example.org", n), 0);
	cr_expect_eq(mentions("Ana@example.org", n), 0);
	cr_expect_eq(mentions("an @ alone, @@, @. and @", n), 0);
	cr_expect_eq(mentions("@Amira", n), 0, "names are lowercase");
	cr_expect_eq(mentions(NULL, n), 0);
	/* One past a name's length names nobody. */
	cr_expect_eq(mentions("@abcdefghijklmnopqrstuvwxyz0123456", n), 0);
	cr_expect_eq(mentions("@abcdefghijklmnopqrstuvwxyz012345", n), 1);
}

Test(mention, bounded)
{
	char	n[PROTO_MAX_MENTIONS][PROTO_MAX_NAME + 1];
	char	text[512] = "";
	int	i;

	for (i = 0; i < 2 * PROTO_MAX_MENTIONS; i++)
		snprintf(text + strlen(text), sizeof text - strlen(text),
		    "@u%d ", i);
	cr_expect_eq(mentions(text, n), PROTO_MAX_MENTIONS);
	cr_expect_str_eq(n[PROTO_MAX_MENTIONS - 1], "u9");
}

Test(mention, resource_fields)
{
	uint8_t	sha[32];
	char	tag[PROTO_MAX_TAG + 2];

	cr_expect_eq(proto_check_tag("wellbeing"), PROTO_OK);
	cr_expect_eq(proto_check_tag("policy-templates"), PROTO_OK);
	cr_expect_eq(proto_check_tag(""), PROTO_E_BAD_NAME);
	cr_expect_eq(proto_check_tag("Training"), PROTO_E_BAD_NAME);
	cr_expect_eq(proto_check_tag("a\tb"), PROTO_E_BAD_NAME);
	cr_expect_eq(proto_check_tag("a,b"), PROTO_E_BAD_NAME);
	memset(tag, 'a', PROTO_MAX_TAG);
	tag[PROTO_MAX_TAG] = '\0';
	cr_expect_eq(proto_check_tag(tag), PROTO_OK);
	tag[PROTO_MAX_TAG] = 'a';
	tag[PROTO_MAX_TAG + 1] = '\0';
	cr_expect_eq(proto_check_tag(tag), PROTO_E_BAD_NAME);

	cr_expect_eq(proto_check_url("https://example.org/guide.pdf"),
	    PROTO_OK);
	cr_expect_eq(proto_check_url("http://example.org"), PROTO_OK);
	cr_expect_eq(proto_check_url("ftp://example.org"), PROTO_E_BAD_TEXT);
	cr_expect_eq(proto_check_url("https://"), PROTO_E_BAD_TEXT);
	cr_expect_eq(proto_check_url("https://a b"), PROTO_E_BAD_TEXT);
	cr_expect_eq(proto_check_url("https://a\x01"), PROTO_E_BAD_TEXT);
	cr_expect_eq(proto_check_url("javascript:alert(1)"),
	    PROTO_E_BAD_TEXT);

	cr_expect_eq(proto_parse_sha256("e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855", sha), 0);
	cr_expect_eq(sha[0], 0xe3);
	cr_expect_eq(sha[31], 0x55);
	cr_expect_eq(proto_parse_sha256("E3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855", sha), -1);
	cr_expect_eq(proto_parse_sha256("e3b0", sha), -1);
	cr_expect_eq(proto_parse_sha256("g3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855", NULL), -1);
}

Test(mention, base64_one_spelling)
{
	uint8_t	buf[PROTO_CHUNK_MAX + 2], big[PROTO_CHUNK_MAX + 1];
	size_t	len;
	char	*b64;

	cr_expect_eq(proto_base64_decode("QQ==", buf, 16, &len), 0);
	cr_expect_eq(len, 1);
	cr_expect_eq(buf[0], 'A');
	cr_expect_eq(proto_base64_decode("QUI=", buf, 16, &len), 0);
	cr_expect_eq(len, 2);
	cr_expect_eq(proto_base64_decode("QUJD", buf, 16, &len), 0);
	cr_expect_eq(len, 3);
	/* Spare bits set, no padding, stray characters, padding inside. */
	cr_expect_eq(proto_base64_decode("QR==", buf, 16, &len), -1);
	cr_expect_eq(proto_base64_decode("QUJ=", buf, 16, &len), -1);
	cr_expect_eq(proto_base64_decode("QQ", buf, 16, &len), -1);
	cr_expect_eq(proto_base64_decode("QQ==\n", buf, 16, &len), -1);
	cr_expect_eq(proto_base64_decode("Q Q=", buf, 16, &len), -1);
	cr_expect_eq(proto_base64_decode("Q=Q=", buf, 16, &len), -1);
	cr_expect_eq(proto_base64_decode("", buf, 16, &len), -1);
	/* A chunk's worth decodes; one byte more does not. */
	memset(big, 'x', sizeof big);
	b64 = proto_base64_encode(big, PROTO_CHUNK_MAX, NULL);
	cr_expect_eq(proto_base64_decode(b64, buf, PROTO_CHUNK_MAX, &len), 0);
	cr_expect_eq(len, PROTO_CHUNK_MAX);
	free(b64);
	b64 = proto_base64_encode(big, PROTO_CHUNK_MAX + 1, NULL);
	cr_expect_eq(proto_base64_decode(b64, buf, PROTO_CHUNK_MAX, &len), -1);
	free(b64);
}

Test(mention, conversation_names)
{
	char	a[PROTO_MAX_NAME + 1], b[PROTO_MAX_NAME + 1];
	char	name[PROTO_MAX_CHANNEL + 1], org[PROTO_MAX_NAME + 1];
	char	n[PROTO_MAX_NAME + 1];

	cr_expect_eq(proto_check_dm("dm/amira+ben", a, b), PROTO_OK);
	cr_expect_str_eq(a, "amira");
	cr_expect_str_eq(b, "ben");
	cr_expect_eq(proto_check_dm("dm/o.koval+z_z", NULL, NULL), PROTO_OK);
	cr_expect_eq(proto_check_dm("dm/ben+amira", a, b), PROTO_E_BAD_NAME);
	cr_expect_eq(proto_check_dm("dm/ben+ben", a, b), PROTO_E_BAD_NAME);
	cr_expect_eq(proto_check_dm("dm/ben", a, b), PROTO_E_BAD_NAME);
	cr_expect_eq(proto_check_dm("dm/+ben", a, b), PROTO_E_BAD_NAME);
	cr_expect_eq(proto_check_dm("dm/a+b+c", a, b), PROTO_E_BAD_NAME);
	cr_expect_eq(proto_check_dm("dm/A+b", a, b), PROTO_E_BAD_NAME);
	cr_expect_eq(proto_check_dm("peer/a+b", a, b), PROTO_E_BAD_NAME);
	proto_dm_channel("ben", "amira", name);
	cr_expect_str_eq(name, "dm/amira+ben");
	/* The longest: two names of 32 bytes. */
	memset(a, 'a', PROTO_MAX_NAME);
	a[PROTO_MAX_NAME] = '\0';
	memset(b, 'b', PROTO_MAX_NAME);
	b[PROTO_MAX_NAME] = '\0';
	proto_dm_channel(a, b, name);
	cr_expect_eq(strlen(name), PROTO_MAX_CHANNEL);
	cr_expect_eq(proto_check_channel(name, org, n), PROTO_OK);
	cr_expect_str_eq(org, "dm");
	cr_expect_str_eq(n, "");
	/* The reserved names are no organisation's. */
	cr_expect_eq(proto_check_org("group"), PROTO_E_BAD_NAME);
	cr_expect_eq(proto_check_org("dm"), PROTO_E_BAD_NAME);
	cr_expect_eq(proto_check_channel("group/set-a", org, n), PROTO_OK);
	cr_expect_str_eq(org, "group");
}
