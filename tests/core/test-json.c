/* gst-imencode core: the bounded JSON writer. Expected texts are written
 * out by hand from RFC 8259 (string escapes) and RFC 3629 (which byte
 * sequences are UTF-8), not derived from the writer.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <locale.h>
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

static void
test_decimal_point_whatever_the_locale (void)
{
  static const char *locales[] = { "de_DE.UTF-8", "fr_FR.UTF-8",
    "de_DE", "fr_FR"
  };
  char out[32];
  ImcoreJsonWriter w;
  const char *set = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (locales) && !set; i++)
    set = setlocale (LC_NUMERIC, locales[i]);
  if (!set) {
    g_test_skip ("no locale with a decimal comma is installed");
    return;
  }
  imcore_json_init (&w, out, sizeof (out));
  imcore_json_double (&w, 2.5);
  setlocale (LC_NUMERIC, "C");
  g_assert_cmpstr (g_strndup (out, w.len), ==, "2.5");
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/string-escapes", test_string_escapes);
  g_test_add_func ("/json/numbers", test_numbers);
  g_test_add_func ("/json/decimal-point", test_decimal_point_whatever_the_locale);
  g_test_add_func ("/json/never-past-the-end", test_never_writes_past_the_end);
  return g_test_run ();
}
