/*
 * proto.h: the Harbour wire protocol, shared by harbourd and harbour.
 *
 * The spec is proto/PROTOCOL.md; this module is its code: line framing,
 * request decoding and field validation (jansson), the error codes and
 * their stable names, name and text rules, and the encoding of replies
 * and events. It does no I/O and no logging, so that the daemon, the
 * client, the tests and the fuzzer all link the same object.
 */
#ifndef HARBOUR_PROTO_H
#define HARBOUR_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define PROTO_VERSION		1
/* A limit's value as text, for messages: "at most " PROTO_XSTR(X). The
 * limits below are plain decimal literals so that this reads right. */
#define PROTO_STR(x)		#x
#define PROTO_XSTR(x)		PROTO_STR(x)
/* A line, newline included; checked before more of a line is buffered. */
#define PROTO_MAX_LINE		65536
/* A post body: long enough for a considered message, short of an essay. */
#define PROTO_MAX_BODY		16384
/* A line from the server: the daemon cuts history pages at 1 MiB of
 * posts, so a reply stays well under this. */
#define PROTO_MAX_SERVER_LINE	(4 * 1024 * 1024)
#define PROTO_MAX_TITLE		200
/* Why a moderator or admin acted: a sentence or two, never an essay. */
#define PROTO_MAX_REASON	500
#define PROTO_MAX_NAME		32
/* A content note ("suicide", "detention"): a few words. */
#define PROTO_MAX_NOTE		100
/* Search text. */
#define PROTO_MAX_QUERY		200
/* Mutes last at least a second and at most this; slow mode likewise. */
#define PROTO_MUTE_MAX		31536000	/* 365 days */
#define PROTO_SLOW_MAX		86400
/* A channel's retention (channel.set): 0 keeps posts; otherwise at
 * least a day (anything shorter would delete what people are still
 * answering), at most ten years of 365 days. */
#define PROTO_RETENTION_MIN	86400
#define PROTO_RETENTION_MAX	315360000
/* Resources (PROTOCOL.md, "Resources"): a chunk of a file, raw bytes
 * (base64 on the wire: 43,692 characters, well inside a line). */
#define PROTO_CHUNK_MAX		32768
#define PROTO_MAX_TAG		32	/* bytes of a tag */
#define PROTO_MAX_TAGS		8	/* tags of one resource */
#define PROTO_MAX_SUMMARY	2000
#define PROTO_MAX_URL		2000
#define PROTO_MAX_MENTIONS	10	/* people one post notifies */
#define PROTO_SHA256_HEX	64
/* "ORG/NAME": two names and the slash. */
/* ORG/NAME, and the longest, a conversation: dm/USER1+USER2. */
#define PROTO_MAX_CHANNEL	(2 * PROTO_MAX_NAME + 4)
#define PROTO_MAX_ID_STR	64
#define PROTO_ID_MAX		9007199254740992LL	/* 2^53 */
#define PROTO_PAGE_DEFAULT	50
#define PROTO_PAGE_MAX		1000
#define PROTO_SYNC_PAGE		500
/* Posts one mark may name: a full page's worth, so a client never has
 * to split what it showed. */
#define PROTO_MARK_MAX		PROTO_PAGE_MAX
#define PROTO_REPLAY_MAX	1000
/* Channels one subscribe may name (naming none: every joined one). */
#define PROTO_SUBSCRIBE_MAX	1024
#define PROTO_PASSWORD_MIN	8
#define PROTO_PASSWORD_MAX	1024
#define PROTO_TOKEN_HEX		32	/* 128 bits */
#define PROTO_INVITE_LEN	26	/* 128 bits in base32 */
#define PROTO_INVITE_DEFAULT	(7 * 86400)
#define PROTO_INVITE_MAX	(90 * 86400)
#define PROTO_PEER_PREFIX	"peer"
#define PROTO_GROUP_PREFIX	"group"	/* group/NAME: a private group */
#define PROTO_DM_PREFIX		"dm"	/* kept for one-to-one conversations */
#define PROTO_GROUP_ADD_MAX	50	/* users one group.add names */

/* Stable error codes; proto_err_code() gives the wire name. */
enum proto_err {
	PROTO_OK = 0,
	PROTO_E_LINE_TOO_LONG,
	PROTO_E_BAD_UTF8,
	PROTO_E_BAD_JSON,
	PROTO_E_BAD_REQUEST,
	PROTO_E_UNKNOWN_OP,
	PROTO_E_AUTH_REQUIRED,
	PROTO_E_AUTH_FAILED,
	PROTO_E_BAD_STATE,
	PROTO_E_FORBIDDEN,
	PROTO_E_NOT_FOUND,
	PROTO_E_NOT_MEMBER,
	PROTO_E_EXISTS,
	PROTO_E_BAD_NAME,
	PROTO_E_BAD_TEXT,
	PROTO_E_BAD_PASSWORD,
	PROTO_E_TOO_LARGE,
	PROTO_E_INVITE_INVALID,
	PROTO_E_TOO_FAR_BEHIND,
	PROTO_E_BUSY,
	PROTO_E_RATE_LIMITED,
	PROTO_E_SHUTTING_DOWN,
	PROTO_E_INTERNAL,
	PROTO_E_LINE_TIMEOUT,	/* a line not ended in time: closed */
	PROTO_E_SUSPENDED,	/* the account is suspended */
	PROTO_E_MUTED,		/* muted in this channel, until a time */
	PROTO_E_BANNED,		/* banned from this channel */
	PROTO_E_SLOW_MODE,	/* slow mode: too soon after one's last post */
	PROTO_E_LOCKED,		/* the thread is locked */
	PROTO_E_BAD_OFFSET,	/* a chunk not where the transfer stands */
	PROTO_E_BAD_HASH,	/* a file's SHA-256 is not the one declared */
	PROTO_E_BAD_TYPE,	/* a file of a type not allowed */
	/* Accounts over their whole life. */
	PROTO_E_DEACTIVATED,	/* the account was deactivated (left) */
	PROTO_E_RESET_INVALID,	/* a reset code unknown, used or expired */
	PROTO_E__COUNT
};

/*
 * The reasons a bye gives when a connection ends because its credential
 * went away; stable, so a client may match them (PROTOCOL.md, "bye").
 * Each says what to do next.
 */
#define PROTO_BYE_PASSWD	"the password was changed on another " \
				"connection: log in with the new one"
#define PROTO_BYE_LOGOUT	"the session was logged out on another " \
				"connection: log in again"
#define PROTO_BYE_CERT_REVOKED	"the client certificate was revoked or " \
				"has expired: ask the operator for a new one"
#define PROTO_BYE_SUSPENDED	"this account was suspended: ask the " \
				"network's operator"
#define PROTO_BYE_ERASED	"this account was erased"
#define PROTO_BYE_DEACTIVATED	"this account was deactivated: ask your " \
				"organisation's admin"
#define PROTO_BYE_RESET		"the password was reset: log in with the " \
				"new one"
/* A reset code (user.reset) is good this long, once. */
#define PROTO_RESET_TTL		(24 * 3600)
/* An erased account's name is this and its id; no one registers one. */
#define PROTO_ERASED_PREFIX	"erased-"

/* "not_found" etc.; NULL for PROTO_OK or out of range. */
const char	*proto_err_code(enum proto_err);
/* A default human message for the code ("no such channel" style). */
const char	*proto_err_message(enum proto_err);
/* Inverse of proto_err_code; PROTO_E__COUNT when unknown. */
enum proto_err	 proto_err_parse(const char *code);

/* Roles. The values are stored (accounts.role, invites.role): each is
 * written out and never renumbered. What a role may do is a set of
 * capabilities (daemon/access.c), never a comparison of these numbers. */
enum proto_role {
	ROLE_NONE = 0,
	ROLE_MEMBER = 1,
	ROLE_ORG_ADMIN = 2,
	ROLE_FACILITATOR = 3,
	ROLE_ADMIN = 4
};
const char	*proto_role_name(enum proto_role);	/* "org-admin" */
enum proto_role	 proto_role_parse(const char *);	/* ROLE_NONE if bad */

/*
 * Framing over a flat buffer (the client and the fuzzer; the daemon
 * frames on its evbuffer with the same rule). Looks for '\n' in
 * buf[0..len). LINE: *linelen is the line's length without "\n" (and
 * without a "\r" before it), *consumed how many bytes to drop.
 * TOO_LONG: no newline within PROTO_MAX_LINE bytes.
 */
enum proto_frame {
	PROTO_FRAME_NEED_MORE,
	PROTO_FRAME_LINE,
	PROTO_FRAME_TOO_LONG
};
enum proto_frame proto_frame(const char *buf, size_t len, size_t *linelen,
		    size_t *consumed);
/* The same with another limit: a client reading the server's lines uses
 * PROTO_MAX_SERVER_LINE, since history replies carry pages of posts. */
enum proto_frame proto_frame_max(const char *buf, size_t len, size_t max,
		    size_t *linelen, size_t *consumed);

int	 proto_utf8_valid(const char *s, size_t len);

/*
 * A decoded request. root is owned; id and op point into it. id is NULL
 * when it could not be read (the reply then carries "id": null).
 */
struct proto_req {
	json_t		*root;
	json_t		*id;
	const char	*op;
};

/*
 * Decode one line (no newline). Checks, in order: UTF-8 (BAD_UTF8),
 * JSON object (BAD_JSON), id (BAD_REQUEST, "id"), op (BAD_REQUEST,
 * "op"). On error *detail (if not NULL) gets a static message and req
 * keeps whatever it could read (free it with proto_req_free either way).
 */
enum proto_err	 proto_decode(const char *line, size_t len,
		    struct proto_req *req, const char **detail);
void		 proto_req_free(struct proto_req *);
/*
 * The fast path of proto_decode (proto-scan.c): a flat object of
 * strings, integers, true, false and null, read without jansson's
 * parser. A new object, or NULL for "not mine": then jansson reads the
 * line, and says what is wrong with it, if anything. Only for lines
 * that are valid UTF-8.
 */
json_t		*proto_scan_object(const char *line, size_t len);

/*
 * Field access. Each returns PROTO_OK; PROTO_E_BAD_REQUEST when the
 * field is required and missing, or present with the wrong type or out
 * of range; proto_get_str PROTO_E_BAD_TEXT for a string holding NUL. A missing optional field leaves *out untouched and returns
 * PROTO_OK; *present (where given) says whether it was there.
 */
enum proto_err	 proto_get_str(const struct proto_req *, const char *field,
		    int required, const char **out, int *present);
enum proto_err	 proto_get_int(const struct proto_req *, const char *field,
		    int required, int64_t min, int64_t max, int64_t *out,
		    int *present);
enum proto_err	 proto_get_bool(const struct proto_req *, const char *field,
		    int *out);
/* An array of strings, at most max of them; *out borrowed from root. */
enum proto_err	 proto_get_strarray(const struct proto_req *,
		    const char *field, size_t max, json_t **out, int *present);

/* Name and text rules from PROTOCOL.md ("Names and text"). */
/* One UTF-8 sequence of s[0..len): its length and code point, or 0
 * when it is not the shortest form of a scalar value (proto.c; for
 * proto-check.c's texts). */
size_t		 proto_utf8_next(const unsigned char *s, size_t len,
		    uint32_t *cp);
enum proto_err	 proto_check_org(const char *);		/* BAD_NAME */
enum proto_err	 proto_check_user(const char *);		/* BAD_NAME */
/* "ORG/NAME" or "peer/NAME"; splits into org and name (each
 * PROTO_MAX_NAME + 1 bytes). BAD_NAME on any violation. */
/* ORG/NAME, peer/NAME, group/NAME or dm/USER1+USER2 (then org gets
 * "dm" and name ""): see proto_check_dm. */
enum proto_err	 proto_check_channel(const char *, char *org, char *name);
/* A conversation's name: "dm/" and two different user names, sorted
 * (a and b, when not NULL, get them: PROTO_MAX_NAME + 1 bytes each). */
enum proto_err	 proto_check_dm(const char *, char *a, char *b);
/* The conversation of two people, into out (PROTO_MAX_CHANNEL + 1). */
void		 proto_dm_channel(const char *a, const char *b, char *out);
enum proto_err	 proto_check_body(const char *);	/* BAD_TEXT, TOO_LARGE */
enum proto_err	 proto_check_title(const char *);	/* BAD_TEXT, TOO_LARGE */
/* A reason given for a moderation or admin action: as a title, up to
 * PROTO_MAX_REASON bytes. */
enum proto_err	 proto_check_reason(const char *);	/* BAD_TEXT, TOO_LARGE */
/* Search text: as a title, up to PROTO_MAX_QUERY bytes. */
enum proto_err	 proto_check_query(const char *);	/* BAD_TEXT, TOO_LARGE */
/* A content note: as a title, up to PROTO_MAX_NOTE bytes. */
enum proto_err	 proto_check_note(const char *);	/* BAD_TEXT, TOO_LARGE */
enum proto_err	 proto_check_password(const char *);	/* BAD_PASSWORD */
/* A tag: 1..PROTO_MAX_TAG of a-z, 0-9 and '-' (BAD_NAME). */
enum proto_err	 proto_check_tag(const char *);
/* A resource's summary: text up to PROTO_MAX_SUMMARY bytes, newlines
 * allowed (BAD_TEXT, TOO_LARGE). */
enum proto_err	 proto_check_summary(const char *);
/* A link: http:// or https://, printable ASCII without spaces, up to
 * PROTO_MAX_URL bytes (BAD_TEXT, TOO_LARGE). */
enum proto_err	 proto_check_url(const char *);
/* 64 lowercase hex digits into 32 bytes (out may be NULL); 0 or -1. */
int		 proto_parse_sha256(const char *, uint8_t *out);

/* Base64 of attachment chunks (proto-base64.c): encode (malloc'd,
 * NUL-terminated; *outlen its length), and decode strictly into at
 * most max bytes; out must hold max + 2, for the padding the decoder
 * writes before it is cut (0, or -1: not padded base64, or too long). */
char		*proto_base64_encode(const void *, size_t len, size_t *outlen);
int		 proto_base64_decode(const char *, void *out, size_t max,
		    size_t *outlen);

/*
 * The people a post's text names (proto-mention.c): each "@name" that
 * starts the text or follows a character that cannot be in a name, a
 * user name's characters, a trailing '.' left out (the end of a
 * sentence). Distinct, in order of first mention, at most max; how many.
 */
int		 proto_mentions(const char *text,
		    char (*names)[PROTO_MAX_NAME + 1], int max);

/*
 * Encoding. Each returns a malloc'd line ending in "\n" and its length
 * in *len (without the terminating NUL). json_t arguments documented as
 * stolen are released by the call.
 */
char	*proto_encode(json_t *obj /* borrowed */, size_t *len);
char	*proto_reply_ok(json_t *id /* borrowed, may be NULL */,
	    json_t *result /* stolen, may be NULL for {} */, size_t *len);
char	*proto_reply_err(json_t *id /* borrowed, may be NULL */,
	    enum proto_err, const char *message /* NULL: default */,
	    size_t *len);

/* The server's hello object (new reference). */
json_t	*proto_hello(const char *server_version, int login_timeout,
	    int idle_timeout);

/*
 * A post as one viewer sees it, as both live pushes and history carry
 * it (the daemon's view.c decides what each viewer gets). The optional
 * parts are left out of the line when NULL/0, so an ordinary visible
 * post reads exactly as it always did.
 */
struct proto_post {
	int64_t		 eid;
	int64_t		 post;
	int64_t		 thread;
	int64_t		 ts;		/* seconds since the epoch, UTC */
	const char	*channel;	/* "ORG/NAME" */
	const char	*author;	/* NULL: anonymous ("anon": true) */
	const char	*org;		/* the author's organisation */
	const char	*state;		/* NULL: visible; "held", "hidden"... */
	const char	*reason;	/* why it was hidden or rejected */
	const char	*note;		/* a content note */
	int64_t		 edited;	/* times edited, 0: never */
	const char	*title;		/* NULL unless it starts a thread */
	const char	*body;		/* NULL: withheld (hidden, deleted) */
};
json_t	*proto_event_post(const struct proto_post *);	/* new reference */
/* The same as proto_encode(proto_event_post(p)), byte for byte, written
 * directly: the fan-out's hot path (proto-post.c). */
char	*proto_encode_post(const struct proto_post *, size_t *len);
/* The reply to a post, {"id":..,"result":{"post":..,"thread":..,"eid":..}},
 * likewise. */
char	*proto_reply_post(json_t *id, int64_t post, int64_t thread,
	    int64_t eid, size_t *len);
/* The same event from a decoded object (client side); 0 or -1. Strings
 * borrowed from obj. */
int	 proto_parse_post(json_t *obj, struct proto_post *);

/* "2026-11-25T08:15:02Z"; buf at least PROTO_TS_LEN bytes. */
#define PROTO_TS_LEN	21
void	 proto_ts_format(int64_t ts, char *buf);
/* The inverse: exactly that shape and a real UTC time; 0 or -1. */
int	 proto_ts_parse(const char *s, int64_t *out);

/* "30s", "10m", "2h", "3d" (one number, one unit) as seconds from 1 to
 * max; -1 for anything else (proto-duration.c). */
int64_t	 proto_parse_duration(const char *s, int64_t max);

/* Client side: a new request object {"id": id, "op": op}. */
json_t	*proto_request(int64_t id, const char *op);

/* Names of people (issue 14): a display name in any script and
 * pronouns, each as a title (no control characters), 1 to these bytes;
 * the empty string clears one (the caller's to allow). Login names stay
 * proto_check_user's ASCII. */
#define PROTO_MAX_DISPLAY_NAME	64
#define PROTO_MAX_PRONOUNS	32
enum proto_err	 proto_check_display_name(const char *); /* BAD_TEXT, TOO_LARGE */
enum proto_err	 proto_check_pronouns(const char *);	/* BAD_TEXT, TOO_LARGE */

#endif
