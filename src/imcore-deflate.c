/* gst-imencode core: a fast zlib stream writer for filtered image rows
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Format: RFC 1950 (zlib) around RFC 1951 (deflate). The stream is cut
 * into blocks of BLOCK_INPUT bytes of input (a run may go a little past);
 * each block is parsed into sequences (literals, then a run of one byte
 * value coded as a match at distance 1), then written with Huffman codes
 * built for it, or stored when that is not smaller. Bits go out least
 * significant first through a 64-bit buffer that is written 8 bytes at a
 * time; Huffman codes are therefore kept bit-reversed.
 */
#include "imcore-deflate.h"

#include <libdeflate.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* two stored pieces when a block is not worth coding */
#define BLOCK_INPUT (2u * 65535u)
#define MIN_MATCH 4u
#define MAX_MATCH 258u
/* after 2^SKIP_SHIFT positions in a row that start no run, every other
 * one is looked at; after twice as many, every third, and so on (the bytes
 * in between are literals all the same) */
#define SKIP_SHIFT 5u
/* literal runs are counted in 32 bits */
#define MAX_STREAM 0x7fffffffu

#define N_LITLEN 286u           /* 0-255 literals, 256 end, 257-285 lengths */
#define N_DIST 30u
#define N_CODELEN 19u
#define END_OF_BLOCK 256u
#define MAX_CODE_BITS 15u
#define MAX_CODELEN_BITS 7u
#define STORED_MAX 65535u

/* one run of a block and the literals before it (len 0: only literals,
 * the block's last sequence) */
typedef struct
{
  uint32_t lits;
  uint32_t len;
} Seq;

/* a block's Huffman code: bit-reversed codes and their lengths */
typedef struct
{
  uint16_t code[N_LITLEN];
  uint8_t len[N_LITLEN];
} Code;

struct ImcoreDeflate
{
  Seq seqs[BLOCK_INPUT / MIN_MATCH + 3];
  uint32_t lit_freq[N_LITLEN];
  uint32_t dist_freq[N_DIST];
  Code lit, dist;
};

typedef struct
{
  uint64_t bits;
  unsigned n;                   /* bits pending in @bits: < 64 always,
                                 * <= 7 after flush_bits() */
  uint8_t *p;
  uint8_t *end;
} BitOut;

/* ---- small helpers ---- */

static inline uint32_t
load32 (const uint8_t * p)
{
  uint32_t v;

  memcpy (&v, p, 4);
  return v;
}

static inline uint64_t
load64 (const uint8_t * p)
{
  uint64_t v;

  memcpy (&v, p, 8);
  return v;
}

static inline void
store64le (uint8_t * p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64 (v);
#endif
  memcpy (p, &v, 8);
}

static inline void
put_bits (BitOut * b, uint64_t v, unsigned n)
{
  b->bits |= v << b->n;
  b->n += n;
}

/* Writes the whole bytes pending; at most 7 bits stay */
static inline void
flush_bits (BitOut * b)
{
  store64le (b->p, b->bits);
  b->p += b->n >> 3;
  b->bits >>= b->n & ~7u;
  b->n &= 7;
}

/* Pads to a byte boundary with zero bits and writes what was pending */
static inline void
align_bits (BitOut * b)
{
  b->n = (b->n + 7) & ~7u;
  flush_bits (b);
}

/* The length symbol (257..285) of a match of @len (3..258), its extra
 * bits and their value */
static inline unsigned
len_symbol (unsigned len, unsigned *n_extra, unsigned *extra)
{
  unsigned v = len - 3, n;

  if (v < 8 || v == 255) {
    *n_extra = 0;
    *extra = 0;
    return v < 8 ? 257 + v : 285;
  }
  n = 31 - (unsigned) __builtin_clz (v);        /* 3..7 */
  *n_extra = n - 2;
  *extra = v & ((1u << (n - 2)) - 1);
  return 257 + 4 * (n - 1) + ((v >> (n - 2)) & 3);
}

static unsigned
len_symbol_extra_bits (unsigned sym)
{
  return sym < 265 || sym == 285 ? 0 : (sym - 261) / 4;
}

/* ---- Huffman codes ---- */

static int
compare_u64 (const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

  return x < y ? -1 : x > y;
}

/* Code lengths of at most @limit bits for the @n symbols of @freq (n <=
 * N_LITLEN) into @len: Huffman's, with codes past @limit shortened and
 * others lengthened until the code is complete again. At least two
 * symbols get a code (as zlib does: some inflaters refuse a code of one),
 * so @freq is raised to 1 for the first one or two unused symbols when
 * fewer than two are used. */
static void
build_lengths (uint32_t * freq, unsigned n, unsigned limit, uint8_t * len)
{
  uint64_t sorted[N_LITLEN];
  uint64_t weight[2 * N_LITLEN];
  uint16_t parent[2 * N_LITLEN];
  uint8_t depth[2 * N_LITLEN];
  unsigned count[MAX_CODE_BITS + 1];
  unsigned used = 0, leaf, node, made, i, s;
  uint64_t total;

  for (s = 0; s < n && used < 2; s++)
    used += freq[s] != 0;
  for (s = 0; s < n && used < 2; s++)
    if (freq[s] == 0) {
      freq[s] = 1;
      used++;
    }
  used = 0;
  memset (len, 0, n);
  for (s = 0; s < n; s++)
    if (freq[s])
      sorted[used++] = (uint64_t) freq[s] << 16 | s;
  qsort (sorted, used, sizeof (sorted[0]), compare_u64);

  /* two queues: the leaves by weight, and the internal nodes, which are
   * made in order of weight; node ids: leaves 0..used-1, then internal */
  for (i = 0; i < used; i++)
    weight[i] = sorted[i] >> 16;
  leaf = 0;
  node = used;
  made = used;
  while (made < 2 * used - 1) {
    unsigned pick[2];

    for (unsigned k = 0; k < 2; k++) {
      if (leaf < used && (node == made || weight[leaf] <= weight[node]))
        pick[k] = leaf++;
      else
        pick[k] = node++;
    }
    weight[made] = weight[pick[0]] + weight[pick[1]];
    parent[pick[0]] = (uint16_t) made;
    parent[pick[1]] = (uint16_t) made;
    made++;
  }
  /* parents are made after their children: depths from the root down */
  depth[made - 1] = 0;
  for (i = made - 1; i-- > 0;) {
    unsigned d = depth[parent[i]] + 1u;

    depth[i] = (uint8_t) (d > 255 ? 255 : d);
  }

  memset (count, 0, sizeof (count));
  for (i = 0; i < used; i++)
    count[depth[i] > limit ? limit : depth[i]]++;
  total = 0;
  for (i = 1; i <= limit; i++)
    total += (uint64_t) count[i] << (limit - i);
  /* over-full after the shortening: each round takes one code off the
   * longest length and splits a shorter code into two one bit longer */
  while (total > (1ull << limit)) {
    count[limit]--;
    for (i = limit - 1; i > 0; i--)
      if (count[i]) {
        count[i]--;
        count[i + 1] += 2;
        break;
      }
    total--;
  }
  /* the longest codes to the rarest symbols */
  i = 0;
  for (unsigned l = limit; l > 0; l--)
    for (unsigned k = 0; k < count[l]; k++)
      len[sorted[i++] & 0xffff] = (uint8_t) l;
}

/* Canonical codes (RFC 1951 3.2.2) for the lengths @len of @n symbols, bit
 * reversed into @code */
static void
build_codes (const uint8_t * len, unsigned n, uint16_t * code)
{
  unsigned count[MAX_CODE_BITS + 1] = { 0 }, next[MAX_CODE_BITS + 2];

  for (unsigned s = 0; s < n; s++)
    count[len[s]]++;
  count[0] = 0;
  next[1] = 0;
  for (unsigned l = 1; l <= MAX_CODE_BITS; l++)
    next[l + 1] = (next[l] + count[l]) << 1;
  for (unsigned s = 0; s < n; s++) {
    unsigned l = len[s], c, r = 0;

    if (l == 0) {
      code[s] = 0;
      continue;
    }
    c = next[l]++;
    for (unsigned k = 0; k < l; k++)
      r |= ((c >> k) & 1u) << (l - 1 - k);
    code[s] = (uint16_t) r;
  }
}

/* ---- parsing ---- */

static inline unsigned
match_length (const uint8_t * a, const uint8_t * b, unsigned max)
{
  unsigned l = MIN_MATCH;

  while (l + 8 <= max) {
    uint64_t x = load64 (a + l) ^ load64 (b + l);

    /* the first byte that differs: the lowest in memory */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    if (x)
      return l + ((unsigned) __builtin_clzll (x) >> 3);
#else
    if (x)
      return l + ((unsigned) __builtin_ctzll (x) >> 3);
#endif
    l += 8;
  }
  while (l < max && a[l] == b[l])
    l++;
  return l;
}

/* Adds the bytes of @p to @freq; long runs through three more tables, so
 * that equal bytes in a row do not wait on each other's counts */
static inline void
count_literals (uint32_t * freq, const uint8_t * p, size_t n)
{
  uint32_t more[3][256];
  size_t k = 0;

  if (n >= 256) {
    memset (more, 0, sizeof (more));
    for (; k + 4 <= n; k += 4) {
      uint32_t v = load32 (p + k);

      freq[v & 255]++;
      more[0][(v >> 8) & 255]++;
      more[1][(v >> 16) & 255]++;
      more[2][v >> 24]++;
    }
    for (unsigned s = 0; s < 256; s++)
      freq[s] += more[0][s] + more[1][s] + more[2][s];
  }
  for (; k < n; k++)
    freq[p[k]]++;
}

/* Parses @in from @pos until @block_end (or further, to the end of a
 * run, or to @len when fewer than MIN_MATCH bytes would be left) into
 * d->seqs, counting the symbols; returns where the block ends. A match is
 * a run: the bytes equal to the one before, from MIN_MATCH on. */
static size_t
parse_block (ImcoreDeflate * d, const uint8_t * in, size_t len, size_t pos,
    size_t block_end, size_t *n_seqs)
{
  const size_t last = len >= MIN_MATCH ? len - MIN_MATCH : 0;
  size_t i = pos > 0 ? pos : 1, lit_start = pos, n = 0;
  unsigned misses = 0, ne, ex;

  memset (d->lit_freq, 0, sizeof (d->lit_freq));
  memset (d->dist_freq, 0, sizeof (d->dist_freq));
  if (len - block_end < MIN_MATCH)
    block_end = len;
  while (i < block_end) {
    /* (i >= 1, so a stream shorter than MIN_MATCH stops here too) */
    if (i > last) {
      i = len;
      break;
    }
    if (load32 (in + i - 1) == load32 (in + i)) {
      size_t room = len - i;
      unsigned ml = match_length (in + i - 1, in + i,
          room < MAX_MATCH ? (unsigned) room : MAX_MATCH);

      count_literals (d->lit_freq, in + lit_start, i - lit_start);
      d->seqs[n].lits = (uint32_t) (i - lit_start);
      d->seqs[n].len = (uint16_t) ml;
      n++;
      d->lit_freq[len_symbol (ml, &ne, &ex)]++;
      i += ml;
      lit_start = i;
      misses = 0;
    } else {
      i += 1 + (misses++ >> SKIP_SHIFT);
    }
  }
  /* a skip past the end ends the block there; a run past it is kept */
  if (i > block_end && lit_start <= block_end)
    i = block_end;
  count_literals (d->lit_freq, in + lit_start, i - lit_start);
  d->seqs[n].lits = (uint32_t) (i - lit_start);
  d->seqs[n].len = 0;
  *n_seqs = n + 1;
  d->lit_freq[END_OF_BLOCK]++;
  /* every match is at distance 1, symbol 0 */
  d->dist_freq[0] = (uint32_t) n;
  return i;
}

/* ---- writing blocks ---- */

/* the order code length code lengths are sent in (RFC 1951 3.2.7) */
static const uint8_t codelen_order[N_CODELEN] = {
  16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
};

typedef struct
{
  uint8_t sym[N_LITLEN + N_DIST];
  uint8_t extra[N_LITLEN + N_DIST];
  unsigned n;
  unsigned hlit, hdist, hclen;
  uint32_t freq[N_CODELEN];
  uint8_t len[N_CODELEN];
  uint16_t code[N_CODELEN];
} Header;

static void
header_item (Header * h, unsigned sym, unsigned extra)
{
  h->sym[h->n] = (uint8_t) sym;
  h->extra[h->n] = (uint8_t) extra;
  h->n++;
  h->freq[sym]++;
}

/* The code lengths of the block's two codes, run-length coded (RFC 1951
 * 3.2.7), and the code of that coding; returns the header's bits */
static uint64_t
build_header (ImcoreDeflate * d, Header * h)
{
  uint8_t all[N_LITLEN + N_DIST];
  unsigned total, i;
  uint64_t bits;

  memset (h, 0, sizeof (*h));
  h->hlit = N_LITLEN;
  while (h->hlit > 257 && d->lit.len[h->hlit - 1] == 0)
    h->hlit--;
  h->hdist = N_DIST;
  while (h->hdist > 1 && d->dist.len[h->hdist - 1] == 0)
    h->hdist--;
  memcpy (all, d->lit.len, h->hlit);
  memcpy (all + h->hlit, d->dist.len, h->hdist);
  total = h->hlit + h->hdist;
  for (i = 0; i < total;) {
    unsigned v = all[i], run = 1;

    while (i + run < total && all[i + run] == v)
      run++;
    i += run;
    if (v == 0) {
      while (run >= 11) {
        unsigned r = run < 138 ? run : 138;

        header_item (h, 18, r - 11);
        run -= r;
      }
      if (run >= 3) {
        header_item (h, 17, run - 3);
        run = 0;
      }
    } else {
      header_item (h, v, 0);
      run--;
      while (run >= 3) {
        unsigned r = run < 6 ? run : 6;

        header_item (h, 16, r - 3);
        run -= r;
      }
    }
    while (run-- > 0)
      header_item (h, v, 0);
  }
  build_lengths (h->freq, N_CODELEN, MAX_CODELEN_BITS, h->len);
  build_codes (h->len, N_CODELEN, h->code);
  h->hclen = N_CODELEN;
  while (h->hclen > 4 && h->len[codelen_order[h->hclen - 1]] == 0)
    h->hclen--;

  bits = 3 + 5 + 5 + 4 + 3 * h->hclen;
  for (i = 0; i < h->n; i++) {
    unsigned s = h->sym[i];

    bits += h->len[s] + (s == 16 ? 2 : s == 17 ? 3 : s == 18 ? 7 : 0);
  }
  return bits;
}

/* The bits of the block's symbols with its codes */
static uint64_t
symbol_bits (const ImcoreDeflate * d)
{
  uint64_t bits = 0;

  for (unsigned s = 0; s < N_LITLEN; s++)
    bits += (uint64_t) d->lit_freq[s] * (d->lit.len[s] +
        (s > END_OF_BLOCK ? len_symbol_extra_bits (s) : 0));
  /* runs only: distance symbol 0, no extra bits */
  for (unsigned s = 0; s < N_DIST; s++)
    bits += (uint64_t) d->dist_freq[s] * d->dist.len[s];
  return bits;
}

static void
write_literals (BitOut * b, const Code * c, const uint8_t * p, size_t n)
{
  size_t k = 0;

  /* three codes of at most 15 bits after at most 7 pending */
  for (; k + 3 <= n; k += 3) {
    put_bits (b, c->code[p[k]], c->len[p[k]]);
    put_bits (b, c->code[p[k + 1]], c->len[p[k + 1]]);
    put_bits (b, c->code[p[k + 2]], c->len[p[k + 2]]);
    flush_bits (b);
  }
  for (; k < n; k++)
    put_bits (b, c->code[p[k]], c->len[p[k]]);
  flush_bits (b);
}

static void
write_dynamic (ImcoreDeflate * d, const Header * h, BitOut * b,
    const uint8_t * in, size_t n_seqs, bool final)
{
  const uint8_t *p = in;

  put_bits (b, final ? 1 : 0, 1);
  put_bits (b, 2, 2);
  put_bits (b, h->hlit - 257, 5);
  put_bits (b, h->hdist - 1, 5);
  put_bits (b, h->hclen - 4, 4);
  flush_bits (b);
  for (unsigned i = 0; i < h->hclen; i++) {
    put_bits (b, h->len[codelen_order[i]], 3);
    flush_bits (b);
  }
  for (unsigned i = 0; i < h->n; i++) {
    unsigned s = h->sym[i];

    put_bits (b, h->code[s], h->len[s]);
    if (s >= 16)
      put_bits (b, h->extra[i], s == 16 ? 2 : s == 17 ? 3 : 7);
    flush_bits (b);
  }

  for (size_t i = 0; i < n_seqs; i++) {
    const Seq *q = &d->seqs[i];
    unsigned sym, ne, ex;

    write_literals (b, &d->lit, p, q->lits);
    p += q->lits;
    if (q->len == 0)
      continue;
    /* at most 7 + 15 + 5 + 15 bits */
    sym = len_symbol (q->len, &ne, &ex);
    put_bits (b, d->lit.code[sym], d->lit.len[sym]);
    put_bits (b, ex, ne);
    put_bits (b, d->dist.code[0], d->dist.len[0]);
    flush_bits (b);
    p += q->len;
  }
  put_bits (b, d->lit.code[END_OF_BLOCK], d->lit.len[END_OF_BLOCK]);
  flush_bits (b);
}

/* The bits stored blocks of @n bytes take at most (each piece's header and
 * the padding to a byte) */
static uint64_t
stored_bits (size_t n)
{
  uint64_t pieces = n == 0 ? 1 : (n + STORED_MAX - 1) / STORED_MAX;

  return pieces * (3 + 7 + 32) + 8 * (uint64_t) n;
}

static void
write_stored (BitOut * b, const uint8_t * in, size_t n, bool final)
{
  do {
    size_t piece = n < STORED_MAX ? n : STORED_MAX;

    put_bits (b, final && piece == n ? 1 : 0, 1);
    put_bits (b, 0, 2);
    align_bits (b);
    b->p[0] = (uint8_t) piece;
    b->p[1] = (uint8_t) (piece >> 8);
    b->p[2] = (uint8_t) ~piece;
    b->p[3] = (uint8_t) (~piece >> 8);
    memcpy (b->p + 4, in, piece);
    b->p += 4 + piece;
    in += piece;
    n -= piece;
  } while (n > 0);
}

/* ---- the stream ---- */

ImcoreDeflate *
imcore_deflate_new (void)
{
  return calloc (1, sizeof (ImcoreDeflate));
}

void
imcore_deflate_free (ImcoreDeflate * d)
{
  free (d);
}

size_t
imcore_deflate_zlib_bound (size_t len)
{
  /* every block stored, in pieces of STORED_MAX bytes and one more per
   * block for the pieces cut at block ends; 6 bytes each (header bits,
   * padding, LEN and NLEN) */
  uint64_t pieces = len / STORED_MAX + len / BLOCK_INPUT + 2;

  if (len > MAX_STREAM)
    return 0;
  return (size_t) (2 + len + 6 * pieces + 4 + 8);
}

size_t
imcore_deflate_zlib (ImcoreDeflate * d, const uint8_t * in, size_t len,
    uint8_t * out, size_t out_size)
{
  BitOut b;
  size_t pos = 0;
  uint32_t adler;

  if (!d || (!in && len > 0) || !out || len > MAX_STREAM || out_size < 2 + 8)
    return 0;
  /* no pointer arithmetic on NULL below */
  if (len == 0)
    in = out;
  out[0] = 0x78;                /* deflate, 32 KiB window */
  out[1] = 0x01;                /* fastest; (0x78 << 8 | 0x01) % 31 == 0 */
  b.bits = 0;
  b.n = 0;
  b.p = out + 2;
  b.end = out + out_size;

  for (;;) {
    Header h;
    size_t n_seqs, end, room;
    uint64_t dyn, stored;
    bool final;

    end = parse_block (d, in, len, pos,
        len - pos > BLOCK_INPUT ? pos + BLOCK_INPUT : len, &n_seqs);
    final = end == len;
    build_lengths (d->lit_freq, N_LITLEN, MAX_CODE_BITS, d->lit.len);
    build_codes (d->lit.len, N_LITLEN, d->lit.code);
    build_lengths (d->dist_freq, N_DIST, MAX_CODE_BITS, d->dist.len);
    build_codes (d->dist.len, N_DIST, d->dist.code);
    dyn = build_header (d, &h) + symbol_bits (d);
    stored = stored_bits (end - pos);
    /* the block, what is pending, and the slack of the 8-byte writes */
    room = (size_t) (b.end - b.p);
    if (((dyn < stored ? dyn : stored) + b.n + 7) / 8 + 8 > room)
      return 0;
    if (dyn < stored)
      write_dynamic (d, &h, &b, in + pos, n_seqs, final);
    else
      write_stored (&b, in + pos, end - pos, final);
    pos = end;
    if (final)
      break;
  }
  align_bits (&b);
  if ((size_t) (b.end - b.p) < 4 + 8)
    return 0;
  adler = libdeflate_adler32 (1, in, len);
  b.p[0] = (uint8_t) (adler >> 24);
  b.p[1] = (uint8_t) (adler >> 16);
  b.p[2] = (uint8_t) (adler >> 8);
  b.p[3] = (uint8_t) adler;
  return (size_t) (b.p + 4 - out);
}
