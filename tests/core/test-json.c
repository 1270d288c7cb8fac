/* gst-imencode core: the bounded JSON writer. Expected texts are written
 * out by hand from RFC 8259 (string escapes) and RFC 3629 (which byte
 * sequences are UTF-8), not derived from the writer.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "imcore-json.h"

static gchar *
string_of (const char *text)
{
  char out[256];
  ImcoreJsonWriter w;

  imcore_json_init (&w, out, sizeof (out));
  imcore_json_string (&w, text);
  g_assert_true (imcore_json_ok (&w));
  g_assert_cmpuint (w.len, <=, imcore_json_string_bound (strlen (text)));
  return g_strndup (out, w.len);
}

static void
test_string_escapes (void)
{
  static const struct
  {
    const char *in, *out;
  } cases[] = {
    {"", "\"\""},
    {"person", "\"person\""},
    {"a \"b\" \\c/", "\"a \\\"b\\\" \\\\c/\""},
    {"l1\nl2\r\t", "\"l1\\nl2\\r\\t\""},
    {"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
    /* valid UTF-8 passes: e-acute, a CJK character, an emoji */
    {"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80",
        "\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\""},
    /* not UTF-8: a lone continuation byte, a truncated sequence, an
     * overlong '/', a surrogate, beyond U+10FFFF: U+FFFD per bad byte */
    {"a\x80z", "\"a\xef\xbf\xbdz\""},
    {"\xe4\xb8", "\"\xef\xbf\xbd\xef\xbf\xbd\""},
    {"\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""},
    {"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
    {"\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
          "\xef\xbf\xbd\""},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *got = string_of (cases[i].in);

    g_assert_cmpstr (got, ==, cases[i].out);
    g_free (got);
  }
}

static void
test_numbers (void)
{
  char out[128];
  ImcoreJsonWriter w;

  imcore_json_init (&w, out, sizeof (out));
  imcore_json_uint (&w, G_MAXUINT64);
  imcore_json_raw (&w, ",");
  imcore_json_int (&w, G_MININT64);
  imcore_json_raw (&w, ",");
  imcore_json_double (&w, 0.87);
  imcore_json_raw (&w, ",");
  imcore_json_double (&w, 1.0 / 0.0);
  imcore_json_raw (&w, ",");
  imcore_json_double (&w, 0.1f);
  g_assert_true (imcore_json_ok (&w));
  g_assert_cmpstr (g_strndup (out, w.len), ==,
      "18446744073709551615,-9223372036854775808,0.87,null,0.100000001");
}

static gchar *
double_of (double v)
{
  char out[64];
  ImcoreJsonWriter w;

  imcore_json_init (&w, out, sizeof (out));
  imcore_json_double (&w, v);
  g_assert_true (imcore_json_ok (&w));
  return g_strndup (out, w.len);
}

/* Texts printf's "%.9g" writes in the C locale (C11 7.21.6.1: nine
 * significant digits rounded, trailing zeros and a bare point dropped,
 * exponent form below 1e-4 and from 1e9, at least two exponent digits),
 * written out by hand. */
static const struct
{
  double v;
  const char *text;
} known_numbers[] = {
  {0.0, "0"},
  {-0.0, "-0"},
  {1.0, "1"},
  {-2.5, "-2.5"},
  {0.87, "0.87"},
  {0.1, "0.1"},
  {0.1f, "0.100000001"},
  {1.0 / 3.0, "0.333333333"},
  {2.0 / 3.0, "0.666666667"},
  {100.0, "100"},
  {123.456, "123.456"},
  {123456789.0, "123456789"},
  {999999999.0, "999999999"},
  {999999999.5, "1e+09"},
  {1234567890.0, "1.23456789e+09"},
  /* exactly halfway at the ninth digit: to even */
  {1234567885.0, "1.23456788e+09"},
  {1234567895.0, "1.2345679e+09"},
  {0.0001, "0.0001"},
  {0.00012345, "0.00012345"},
  {0.00001, "1e-05"},
  {0.000099999999999, "0.0001"},
  {1e100, "1e+100"},
  {-1.5e-100, "-1.5e-100"},
  {1.7976931348623157e308, "1.79769313e+308"},
  {2.2250738585072014e-308, "2.22507386e-308"},
  {4.9406564584124654e-324, "4.94065646e-324"},
  {33.333333, "33.333333"},
  {0.95, "0.95"},
};

static void
test_double_known_texts (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_numbers); i++) {
    gchar *got = double_of (known_numbers[i].v);

    g_assert_cmpstr (got, ==, known_numbers[i].text);
    g_free (got);
  }
}

/* A reproducible spread of doubles: every exponent, random mantissas,
 * both signs, and the integers and decimals applications send. */
static double
sample_double (guint i, GRand * rand)
{
  guint64 bits;
  double v;

  switch (i % 4) {
    case 0:
      bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      memcpy (&v, &bits, sizeof (v));
      return v;
    case 1:
      return g_rand_double (rand);
    case 2:
      return (double) g_rand_int_range (rand, -2000000000, 2000000000) /
          1000.0;
    default:
      return ldexp (g_rand_double_range (rand, 0.5, 1.0),
          g_rand_int_range (rand, -1080, 1030));
  }
}

static void
test_double_matches_printf (void)
{
  GRand *rand = g_rand_new_with_seed (20261207);
  guint checked = 0;

  /* printf in the C locale is the reference: its implementation is not
   * ours, and "%.9g" is what the writer promises */
  g_assert_nonnull (setlocale (LC_NUMERIC, "C"));
  for (guint i = 0; i < 200000; i++) {
    double v = sample_double (i, rand);
    char want[64];
    gchar *got;

    if (!isfinite (v))
      continue;
    snprintf (want, sizeof (want), "%.9g", v);
    got = double_of (v);
    if (strcmp (got, want) != 0)
      g_error ("%a: wrote %s, printf writes %s", v, got, want);
    g_free (got);
    checked++;
  }
  g_assert_cmpuint (checked, >, 190000);
  g_rand_free (rand);
}

static void
test_decimal_point_whatever_the_locale (void)
{
  /* German's decimal separator is ',', Pashto's U+066B (two bytes in
   * UTF-8): a writer that patches printf's output for a comma still fails
   * the second. Both come with Debian's locales-all, which
   * scripts/setup.sh installs (on the host and in the 1.26 chroot): a
   * missing one is a broken setup, not a reason to skip. */
  static const char *locales[] = { "de_DE.UTF-8", "ps_AF.UTF-8" };

  for (guint l = 0; l < G_N_ELEMENTS (locales); l++) {
    char printed[32];

    if (setlocale (LC_NUMERIC, locales[l]) == NULL)
      g_error ("the %s locale is not installed (Debian package "
          "locales-all, which scripts/setup.sh installs)", locales[l]);
    /* the locale is in force: printf's own separator is not '.' */
    snprintf (printed, sizeof (printed), "%.9g", 2.5);
    g_assert_cmpstr (printed, !=, "2.5");
    for (guint i = 0; i < G_N_ELEMENTS (known_numbers); i++) {
      gchar *got = double_of (known_numbers[i].v);

      g_assert_cmpstr (got, ==, known_numbers[i].text);
      g_free (got);
    }
  }
  g_assert_nonnull (setlocale (LC_NUMERIC, "C"));
}

static void
test_never_writes_past_the_end (void)
{
  /* every size from 0 up: either all fits, or nothing past the size is
   * touched and the writer says so */
  const char *label = "quoted \" and \x01 and \xc3\xa9";

  for (size_t size = 0; size < 64; size++) {
    char out[80];
    ImcoreJsonWriter w;

    memset (out, 'X', sizeof (out));
    imcore_json_init (&w, out, size);
    imcore_json_raw (&w, "{\"type\":");
    imcore_json_string (&w, label);
    imcore_json_raw (&w, ",\"n\":");
    imcore_json_uint (&w, 1234567);
    imcore_json_raw (&w, "}");
    for (size_t i = size; i < sizeof (out); i++)
      g_assert_cmpint (out[i], ==, 'X');
    g_assert_cmpuint (w.len, <=, size);
    if (imcore_json_ok (&w))
      g_assert_cmpstr (g_strndup (out, w.len), ==,
          "{\"type\":\"quoted \\\" and \\u0001 and \xc3\xa9\",\"n\":1234567}");
  }
}

/* The tags property's check: RFC 8259's grammar for one object, and the
 * compact form (whitespace outside strings dropped, strings untouched). */
static void
test_check_object (void)
{
  static const struct
  {
    const char *in, *compact;   /* compact NULL: refused */
  } cases[] = {
    {"{}", "{}"},
    {" {\n \"camera\" : \"front door\" ,\t\"n\": 3 }\r\n",
        "{\"camera\":\"front door\",\"n\":3}"},
    {"{\"a\":[1,-2.5e+3,0.25,true,false,null,{\"b\":[]}],\"c\":{}}",
        "{\"a\":[1,-2.5e+3,0.25,true,false,null,{\"b\":[]}],\"c\":{}}"},
    {"{\"esc\":\"q\\\" s\\\\ \\u00e9\\n \xc3\xa9\"}",
        "{\"esc\":\"q\\\" s\\\\ \\u00e9\\n \xc3\xa9\"}"},
    {"{\"sp ace\": \" keep  inside \"}", "{\"sp ace\":\" keep  inside \"}"},
    /* not one object */
    {"", NULL},
    {"   ", NULL},
    {"[]", NULL},
    {"\"text\"", NULL},
    {"42", NULL},
    {"null", NULL},
    {"camera=door", NULL},
    {"{} {}", NULL},
    {"{}x", NULL},
    /* broken objects */
    {"{", NULL},
    {"{\"a\"}", NULL},
    {"{\"a\":}", NULL},
    {"{\"a\":1,}", NULL},
    {"{,}", NULL},
    {"{a:1}", NULL},
    {"{'a':1}", NULL},
    {"{\"a\":01}", NULL},
    {"{\"a\":1.}", NULL},
    {"{\"a\":.5}", NULL},
    {"{\"a\":+1}", NULL},
    {"{\"a\":1e}", NULL},
    {"{\"a\":NaN}", NULL},
    {"{\"a\":tru}", NULL},
    {"{\"a\":[1,2}", NULL},
    {"{\"a\":\"unterminated}", NULL},
    {"{\"a\":\"raw\nnewline\"}", NULL},
    {"{\"a\":\"bad \\x escape\"}", NULL},
    {"{\"a\":\"short \\u12\"}", NULL},
    {"{\"a\":\"\xff not utf-8\"}", NULL},
    {"{\"a\":1} // comment", NULL},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    size_t len = strlen (cases[i].in), out_len = 0;
    char *out = g_malloc (len + 1);
    ImcoreError err;

    err = imcore_json_check_object (cases[i].in, len, out, &out_len);
    if (cases[i].compact) {
      g_assert_cmpint (err, ==, IMCORE_OK);
      g_assert_cmpuint (out_len, <=, len);
      out[out_len] = '\0';
      g_assert_cmpstr (out, ==, cases[i].compact);
    } else {
      if (err == IMCORE_OK)
        g_error ("accepted: %s", cases[i].in);
      g_assert_cmpint (err, ==, IMCORE_ERROR_INVALID_INPUT);
    }
    /* the same answer without a copy */
    g_assert_cmpint (imcore_json_check_object (cases[i].in, len, NULL, NULL),
        ==, err);
    g_free (out);
  }
  g_assert_cmpint (imcore_json_check_object (NULL, 0, NULL, NULL), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
}

/* Nesting is bounded (no stack exhaustion on hostile text). */
static void
test_check_object_depth (void)
{
  GString *s = g_string_new ("{\"a\":");
  guint levels = IMCORE_JSON_MAX_DEPTH - 1;

  for (guint i = 0; i < levels - 1; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < levels - 1; i++)
    g_string_append_c (s, ']');
  g_string_append_c (s, '}');
  g_assert_cmpint (imcore_json_check_object (s->str, s->len, NULL, NULL),
      ==, IMCORE_OK);
  g_string_assign (s, "{\"a\":");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (s, '[');
  g_assert_cmpint (imcore_json_check_object (s->str, s->len, NULL, NULL),
      ==, IMCORE_ERROR_INVALID_INPUT);
  g_string_free (s, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/string-escapes", test_string_escapes);
  g_test_add_func ("/json/numbers", test_numbers);
  g_test_add_func ("/json/double-known-texts", test_double_known_texts);
  g_test_add_func ("/json/double-matches-printf", test_double_matches_printf);
  g_test_add_func ("/json/decimal-point",
      test_decimal_point_whatever_the_locale);
  g_test_add_func ("/json/never-past-the-end", test_never_writes_past_the_end);
  g_test_add_func ("/json/check-object", test_check_object);
  g_test_add_func ("/json/check-object-depth", test_check_object_depth);
  return g_test_run ();
}
