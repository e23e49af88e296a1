/*
 * hiodkit example plugin in C: the seed revision of QEMU's Intel vIOMMU attach-time check
 * (vtd_dev_set_iommu_device -> vtd_check_hiod -> vtd_check_hiod_accel, docs/BEHAVIOUR.md
 * §profile.order, CONFIG_VTD_ACCEL=y) behind the hiodkit process protocol, version 1 (PROTOCOL.md).
 *
 *   cc -std=c11 -O2 -Wall -Wextra -o plugin plugin.c
 *   cc -std=c11 -O2 -Wall -Wextra -DPLANT_FAULT -o plugin-faulty plugin.c   (a planted bug)
 *
 * stdin: the kit's hello, then one request per line. stdout: our hello, then one answer per
 * request. stderr: diagnostics. No external libraries: the JSON reader below is self-contained.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef PLANT_FAULT
#define VTD_CAP_FS1GP_BIT 55 /* the planted fault: reads DRD (bit 55) instead of FS1GP */
#define PLUGIN_NAME "c-example (planted fault)"
#else
#define VTD_CAP_FS1GP_BIT 56 /* cap_reg FS1GP (Linux FL1GP) */
#define PLUGIN_NAME "c-example"
#endif
#define IOMMU_HW_INFO_TYPE_INTEL_VTD 1u
#define TYPE_HOST_IOMMU_DEVICE_IOMMUFD "host-iommu-device-iommufd"

static unsigned long line_no; /* stdin line number, for diagnostics */

static _Noreturn void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "c-plugin: stdin line %lu: ", line_no);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* ------------------------------------------------------------------------------------------ */
/* A small JSON reader: a tree of values, each remembering its source text (so a value can be  */
/* echoed verbatim). Strings are decoded to UTF-8; numbers are kept as doubles.                */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct jval {
    enum jtype type;
    const char *raw; /* the value's JSON text in the line */
    size_t rawlen;
    bool b;
    double num;
    char *str; /* J_STR: decoded, NUL-terminated (may also contain NULs: use len) */
    size_t len;
    char *key; /* set on object members */
    size_t keylen;
    struct jval *kids; /* J_ARR items, J_OBJ members */
    size_t n;
} jval;

typedef struct {
    const char *p, *end;
    int depth;
    const char *err;
} jparser;

#define JSON_MAX_DEPTH 64

static void jfree(jval *v) {
    for (size_t i = 0; i < v->n; i++) jfree(&v->kids[i]);
    free(v->kids);
    free(v->str);
    free(v->key);
}

static void skip_ws(jparser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) ps->p++;
}

static bool fail(jparser *ps, const char *why) {
    if (!ps->err) ps->err = why;
    return false;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool read_u4(jparser *ps, unsigned *out) {
    if (ps->end - ps->p < 4) return fail(ps, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(ps->p[i]);
        if (h < 0) return fail(ps, "bad \\u escape");
        v = v << 4 | (unsigned)h;
    }
    ps->p += 4;
    *out = v;
    return true;
}

static size_t put_utf8(char *o, unsigned cp) {
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | (cp >> 6 & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* At the opening quote; decodes into a fresh buffer (never longer than the source text). */
static bool parse_string(jparser *ps, char **out, size_t *outlen) {
    const char *start = ++ps->p;
    const char *q = start;
    while (q < ps->end && *q != '"') q += (*q == '\\' && q + 1 < ps->end) ? 2 : 1;
    if (q >= ps->end) return fail(ps, "unterminated string");
    char *buf = malloc((size_t)(q - start) + 1), *o = buf;
    if (!buf) return fail(ps, "out of memory");
    while (ps->p < q) {
        unsigned char c = (unsigned char)*ps->p++;
        if (c < 0x20) { free(buf); return fail(ps, "control character in string"); }
        if (c != '\\') { *o++ = (char)c; continue; }
        char e = *ps->p++;
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (!read_u4(ps, &cp)) { free(buf); return false; }
            /* a surrogate pair makes one code point; a lone surrogate is kept as is */
            if (cp >= 0xD800 && cp < 0xDC00 && q - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u') {
                const char *save = ps->p;
                ps->p += 2;
                if (read_u4(ps, &lo) && lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                else { ps->p = save; ps->err = NULL; }
            }
            o += put_utf8(o, cp);
            break;
        }
        default: free(buf); return fail(ps, "bad escape in string");
        }
    }
    ps->p = q + 1;
    *o = '\0';
    *out = buf;
    *outlen = (size_t)(o - buf);
    return true;
}

static bool parse_number(jparser *ps, jval *v) {
    const char *s = ps->p, *p = s;
    if (p < ps->end && *p == '-') p++;
    if (p < ps->end && *p == '0') p++;
    else if (p < ps->end && *p >= '1' && *p <= '9') while (p < ps->end && *p >= '0' && *p <= '9') p++;
    else return fail(ps, "bad number");
    if (p < ps->end && *p == '.') {
        if (++p >= ps->end || *p < '0' || *p > '9') return fail(ps, "bad number");
        while (p < ps->end && *p >= '0' && *p <= '9') p++;
    }
    if (p < ps->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < ps->end && (*p == '+' || *p == '-')) p++;
        if (p >= ps->end || *p < '0' || *p > '9') return fail(ps, "bad number");
        while (p < ps->end && *p >= '0' && *p <= '9') p++;
    }
    char tmp[64];
    size_t n = (size_t)(p - s);
    if (n >= sizeof tmp) { /* very long numbers: let strtod read a copy */
        char *big = malloc(n + 1);
        if (!big) return fail(ps, "out of memory");
        memcpy(big, s, n), big[n] = '\0';
        v->num = strtod(big, NULL);
        free(big);
    } else {
        memcpy(tmp, s, n), tmp[n] = '\0';
        v->num = strtod(tmp, NULL);
    }
    v->type = J_NUM;
    ps->p = p;
    return true;
}

static bool parse_value(jparser *ps, jval *v);

static bool push_kid(jparser *ps, jval *v, size_t *cap) {
    if (v->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        jval *k = realloc(v->kids, ncap * sizeof *k);
        if (!k) return fail(ps, "out of memory");
        v->kids = k, *cap = ncap;
    }
    memset(&v->kids[v->n++], 0, sizeof *v->kids);
    return true;
}

static bool parse_container(jparser *ps, jval *v, char close) {
    size_t cap = 0;
    if (++ps->depth > JSON_MAX_DEPTH) return fail(ps, "nested too deeply");
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) { ps->p++; ps->depth--; return true; }
    for (;;) {
        if (!push_kid(ps, v, &cap)) return false;
        jval *kid = &v->kids[v->n - 1];
        if (close == '}') {
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != '"') return fail(ps, "expected a member name");
            if (!parse_string(ps, &kid->key, &kid->keylen)) return false;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') return fail(ps, "expected ':'");
            ps->p++;
        }
        if (!parse_value(ps, kid)) return false;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        if (ps->p < ps->end && *ps->p == close) { ps->p++; ps->depth--; return true; }
        return fail(ps, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static bool parse_value(jparser *ps, jval *v) {
    skip_ws(ps);
    if (ps->p >= ps->end) return fail(ps, "unexpected end of line");
    v->raw = ps->p;
    bool ok;
    switch (*ps->p) {
    case '{': v->type = J_OBJ; ok = parse_container(ps, v, '}'); break;
    case '[': v->type = J_ARR; ok = parse_container(ps, v, ']'); break;
    case '"': v->type = J_STR; ok = parse_string(ps, &v->str, &v->len); break;
    case 't': case 'f': case 'n': {
        static const char *const words[] = { "true", "false", "null" };
        int w = *ps->p == 't' ? 0 : *ps->p == 'f' ? 1 : 2;
        size_t n = strlen(words[w]);
        if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, words[w], n) != 0) return fail(ps, "unknown literal");
        ps->p += n;
        v->type = w == 2 ? J_NULL : J_BOOL;
        v->b = w == 0;
        ok = true;
        break;
    }
    default: ok = parse_number(ps, v);
    }
    v->rawlen = (size_t)(ps->p - v->raw);
    return ok;
}

/* Parses a whole line into *root; false with *err set when it is not one JSON value. */
static bool json_parse(const char *text, size_t len, jval *root, const char **err) {
    jparser ps = { text, text + len, 0, NULL };
    memset(root, 0, sizeof *root);
    bool ok = parse_value(&ps, root);
    if (ok) {
        skip_ws(&ps);
        if (ps.p != ps.end) ok = fail(&ps, "trailing text after the value");
    }
    *err = ps.err ? ps.err : "invalid JSON";
    return ok;
}

/* A member by name (the last one, as JSON.parse keeps), or NULL. */
static const jval *jget(const jval *obj, const char *key) {
    const jval *found = NULL;
    if (obj && obj->type == J_OBJ)
        for (size_t i = 0; i < obj->n; i++)
            if (obj->kids[i].keylen == strlen(key) && memcmp(obj->kids[i].key, key, obj->kids[i].keylen) == 0) found = &obj->kids[i];
    return found;
}

static bool jstr_is(const jval *v, const char *s) {
    return v && v->type == J_STR && v->len == strlen(s) && memcmp(v->str, s, v->len) == 0;
}

/* Typed access to a request's fields: a missing or mistyped field is fatal (the kit never sends one). */
static const jval *need(const jval *obj, const char *key, enum jtype type, const char *path) {
    const jval *v = jget(obj, key);
    if (!v || v->type != type) die("%s.%s is missing or not a %s", path, key,
                                   (const char *[]){ "null", "boolean", "number", "string", "array", "object" }[type]);
    return v;
}

static bool need_bool(const jval *obj, const char *key, const char *path) { return need(obj, key, J_BOOL, path)->b; }

static uint32_t need_u32(const jval *obj, const char *key, const char *path) {
    double d = need(obj, key, J_NUM, path)->num;
    if (!(d >= 0 && d <= 4294967295.0) || d != (double)(uint32_t)d) die("%s.%s is not a u32", path, key);
    return (uint32_t)d;
}

/* A u64 register: a "0x..." hex string (JSON numbers cannot carry 64 bits exactly). */
static uint64_t need_u64(const jval *obj, const char *key, const char *path) {
    const jval *v = need(obj, key, J_STR, path);
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v->str, &end, 16);
    if (v->len < 3 || v->str[0] != '0' || (v->str[1] != 'x' && v->str[1] != 'X') || end != v->str + v->len || errno == ERANGE)
        die("%s.%s is not a \"0x...\" u64: %s", path, key, v->str);
    return (uint64_t)x;
}

/* ------------------------------------------------------------------------------------------ */
/* The check. An outcome is accept, a message we format, or an error object get_cap set.       */

typedef struct {
    bool ok;
    char message[256];
    const jval *propagated; /* get_cap's error: echoed verbatim (message and hints) */
} outcome;

static outcome accept(void) { return (outcome){ .ok = true }; }

static outcome reject(const char *fmt, ...) {
    outcome o = { .ok = false };
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o.message, sizeof o.message, fmt, ap);
    va_end(ap);
    return o;
}

/* object_dynamic_cast(): the type itself or any of its ancestors. */
static bool is_iommufd(const jval *qom) {
    if (jstr_is(need(qom, "type", J_STR, "device.qom"), TYPE_HOST_IOMMU_DEVICE_IOMMUFD)) return true;
    const jval *anc = need(qom, "ancestors", J_ARR, "device.qom");
    for (size_t i = 0; i < anc->n; i++)
        if (jstr_is(&anc->kids[i], TYPE_HOST_IOMMU_DEVICE_IOMMUFD)) return true;
    return false;
}

/* vtd_check_hiod_accel() as of the seed (hw/i386/intel_iommu_accel.c): §attach.iommufd to §attach.accel-refusal. */
static outcome check_accel(const jval *props, const jval *dev) {
    const jval *caps = need(dev, "caps", J_OBJ, "device");
    const jval *vtd = need(need(caps, "vendorCaps", J_OBJ, "device.caps"), "vtd", J_OBJ, "device.caps.vendorCaps");
    if (!is_iommufd(need(dev, "qom", J_OBJ, "device"))) return reject("Need IOMMUFD backend when x-flts=on");
    uint32_t type = need_u32(caps, "type", "device.caps");
    if (type != IOMMU_HW_INFO_TYPE_INTEL_VTD) {
        /* QEMU passes the uint32_t to %d: printf reads it as an int, so 2^31 and up print negative */
        long long as_int = type > 0x7FFFFFFFu ? (long long)type - 0x100000000LL : (long long)type;
        return reject("Incompatible host platform IOMMU type %lld", as_int);
    }
    uint64_t cap_reg = need_u64(vtd, "capReg", "device.caps.vendorCaps.vtd");
    if (need_bool(props, "fs1gp", "guest.props") && !(cap_reg >> VTD_CAP_FS1GP_BIT & 1u))
        return reject("First stage 1GB large page is unsupported by host IOMMU");
    return reject("host IOMMU is incompatible with guest first stage translation");
}

/* vtd_dev_set_iommu_device() then vtd_check_hiod() (hw/i386/intel_iommu.c). */
static outcome check(const jval *guest, const jval *dev) {
    const jval *props = need(guest, "props", J_OBJ, "guest");
    /* 1. caching mode (§attach.caching-mode) */
    if (!need_bool(props, "cachingMode", "guest.props"))
        return reject("Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.");
    /* 2. a device already set at the same bus/devfn (§attach.duplicate) */
    const jval *pci = need(dev, "pci", J_OBJ, "device");
    uint32_t bus = need_u32(pci, "bus", "device.pci"), devfn = need_u32(pci, "devfn", "device.pci");
    const jval *attached = need(guest, "attached", J_ARR, "guest");
    for (size_t i = 0; i < attached->n; i++)
        if (need_u32(&attached->kids[i], "bus", "guest.attached[]") == bus && need_u32(&attached->kids[i], "devfn", "guest.attached[]") == devfn)
            return reject("Host IOMMU device already exist");
    /* 3-5. get_cap(HOST_IOMMU_DEVICE_CAP_AW_BITS) (§attach.no-get-cap, §attach.get-cap-error, §attach.aw-bits) */
    const jval *aw = need(dev, "awBits", J_OBJ, "device");
    const jval *kind = need(aw, "kind", J_STR, "device.awBits");
    if (jstr_is(kind, "no-get-cap")) return reject(".get_cap() not implemented");
    if (jstr_is(kind, "error")) {
        outcome o = { .ok = false, .propagated = need(aw, "error", J_OBJ, "device.awBits") };
        need(o.propagated, "message", J_STR, "device.awBits.error");
        need(o.propagated, "hints", J_ARR, "device.awBits.error");
        return o;
    }
    if (!jstr_is(kind, "value")) die("device.awBits.kind is %s", kind->str);
    uint32_t guest_aw = need_u32(props, "awBits", "guest.props"), host_aw = need_u32(aw, "bits", "device.awBits");
    if (guest_aw > host_aw) return reject("aw-bits %d > host aw-bits %d", (int)guest_aw, (int)host_aw);
    /* 6. second stage only: all checks passed (§attach.second-stage-accept) */
    if (!need_bool(props, "flts", "guest.props")) return accept();
    /* 7-10. first stage: CONFIG_VTD_ACCEL=y links intel_iommu_accel.c */
    return check_accel(props, dev);
}

/* ------------------------------------------------------------------------------------------ */
/* The protocol.                                                                               */

static void put_json_string(const char *s) {
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') printf("\\%c", *p);
        else if (*p < 0x20) printf("\\u%04x", *p);
        else putchar(*p);
    }
    putchar('"');
}

static void answer(const jval *id, const outcome *o) {
    printf("{\"id\":%.*s,\"outcome\":", (int)id->rawlen, id->raw);
    if (o->ok) fputs("{\"ok\":true}", stdout);
    else if (o->propagated) {
        const jval *m = jget(o->propagated, "message"), *h = jget(o->propagated, "hints");
        printf("{\"ok\":false,\"error\":{\"message\":%.*s,\"hints\":%.*s}}", (int)m->rawlen, m->raw, (int)h->rawlen, h->raw);
    } else {
        fputs("{\"ok\":false,\"error\":{\"message\":", stdout);
        put_json_string(o->message);
        fputs(",\"hints\":[]}}", stdout);
    }
    fputs("}\n", stdout);
    fflush(stdout); /* answer now: the kit waits for it */
}

/* One line of any length, without its newline; NULL at end of input. */
static char *read_line(size_t *len) {
    static char *buf;
    static size_t cap;
    size_t n = 0;
    for (;;) {
        if (cap - n < 2) {
            size_t ncap = cap ? cap * 2 : 4096;
            char *b = realloc(buf, ncap);
            if (!b) die("out of memory");
            buf = b, cap = ncap;
        }
        if (!fgets(buf + n, (int)(cap - n > 0x40000000 ? 0x40000000 : cap - n), stdin)) break;
        n += strlen(buf + n);
        if (n > 0 && buf[n - 1] == '\n') break;
    }
    if (n == 0 && (feof(stdin) || ferror(stdin))) return NULL;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
    buf[n] = '\0';
    *len = n;
    line_no++;
    return buf;
}

int main(void) {
    size_t len;
    char *line;
    jval v;
    const char *err;

    /* handshake: the kit says hello first */
    if (!(line = read_line(&len))) return 0;
    if (!json_parse(line, len, &v, &err) || !jstr_is(jget(&v, "hiodkit"), "hello")) die("expected the kit's hello, got: %.200s", line);
    const jval *protocol = jget(&v, "protocol");
    if (!protocol || protocol->type != J_NUM || protocol->num != 1)
        fprintf(stderr, "c-plugin: the kit speaks protocol %.*s; this plugin speaks 1\n", protocol ? (int)protocol->rawlen : 4, protocol ? protocol->raw : "null");
    jfree(&v);
    printf("{\"hiodkit\":\"hello\",\"protocol\":1,\"name\":\"%s\",\"implements\":{\"profile\":\"seed\",\"kconfig\":{\"VTD_ACCEL\":true}}}\n", PLUGIN_NAME);
    fflush(stdout);

    /* requests until the kit closes stdin */
    while ((line = read_line(&len))) {
        if (len == 0) continue;
        if (!json_parse(line, len, &v, &err)) die("not JSON: %s", err);
        const jval *id = need(&v, "id", J_NUM, "request");
        outcome o = check(need(&v, "guest", J_OBJ, "request"), need(&v, "device", J_OBJ, "request"));
        answer(id, &o);
        jfree(&v);
    }
    return 0;
}
