/* gst-imencode: how the bytes that reach imdecode become images
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_IM_DECODE_INPUT_H__
#define __GST_IM_DECODE_INPUT_H__

#include <gst/gst.h>

#include "imcore.h"

G_BEGIN_DECLS

/* imdecode's sink receives JPEG and PNG bytes cut anywhere (filesrc blocks,
 * a socket), application/x-base64 records, base64 text with no framing of
 * its own, or, without caps, any of these. GstImInput turns all of it into
 * whole images, handed one at a time to a callback that decodes and pushes
 * them, and skips what is no image with one warning per run, saying how
 * many bytes. It knows nothing of decoding or negotiation; it posts its
 * messages on the element it was given. The callback may decode later, on
 * other threads (answering PENDING): GstImInput then asks the settle
 * callback for the outcomes before anything that depends on them, so
 * framing and messages are the same as when every image is decoded at
 * once.
 *
 * Threads: every call from the streaming thread (chain, serialized
 * events), or while streaming is stopped (reset, clear). */

/* What arrives, from the caps (SNIFF: no caps, not decided yet). */
typedef enum
{
  GST_IM_INPUT_SNIFF,           /* buffers held until their first bytes
                                 * tell TEXT from BINARY */
  GST_IM_INPUT_BINARY,          /* image/jpeg, image/png,
                                 * application/octet-stream, text/plain */
  GST_IM_INPUT_RECORDS,         /* application/x-base64: each buffer one
                                 * base64 record, its bytes joining the
                                 * byte stream */
  GST_IM_INPUT_TEXT,            /* base64 text: one record per line, lines
                                 * spanning buffers */
} GstImInputKind;

/* What became of an image handed to the callback. */
typedef enum
{
  GST_IM_INPUT_IMAGE_DECODED,   /* pushed (whatever downstream said) */
  GST_IM_INPUT_IMAGE_CORRUPT,   /* refused as corrupt or truncated: the
                                 * next image may start inside its bytes */
  GST_IM_INPUT_IMAGE_REFUSED,   /* refused for what it is (too large), or
                                 * not decoded (negotiation, flushing) */
  GST_IM_INPUT_IMAGE_PENDING,   /* handed on to be decoded later, in
                                 * order: the settle callback tells what
                                 * became of it when that matters */
} GstImInputOutcome;

/* Decodes and pushes the @len bytes at @data: one JPEG or PNG file, whole
 * unless the stream ended inside it (then decoding refuses it). @timing
 * holds the timestamps (and DISCONT flag) of the buffer the image started
 * in, or is NULL (none); @discont says that bytes were skipped or dropped
 * since the last image. @data and @timing are only valid during the call:
 * a callback that decodes later copies them. Sets *@outcome (PENDING when
 * the image will be decoded later); returns the flow. */
typedef GstFlowReturn (*GstImInputImageFunc) (gpointer user_data,
    const guint8 * data, gsize len, GstBuffer * timing, gboolean discont,
    GstImInputOutcome * outcome);

/* Waits until every image the callback answered PENDING is decoded or
 * refused (and pushed, or its warning posted). Sets *@decoded_any to
 * whether any of them was decoded since the last call and *@last to what
 * became of the last one (DECODED, CORRUPT or REFUSED; REFUSED when it was
 * dropped by a flush). Returns the flow of the pushes (GST_FLOW_FLUSHING
 * while flushing). Called by GstImInput whenever what it does next depends
 * on those outcomes or posts a message that must follow their frames: at
 * bytes skipped, refused text, a refused image whose bytes hold the start
 * of another, a flush. */
typedef GstFlowReturn (*GstImInputSettleFunc) (gpointer user_data,
    gboolean * decoded_any, GstImInputOutcome * last);

typedef struct
{
  /*< private >*/
  GstElement *element;          /* messages go here (not owned) */
  GstImInputImageFunc image;
  GstImInputSettleFunc settle;
  gpointer user_data;

  /* images answered PENDING and not settled yet; the last one's kind */
  gboolean unsettled;
  ImcoreImageKind unsettled_kind;
  GstImInputOutcome last_settled;       /* of the last settled image */

  GstImInputKind kind;
  gboolean whole;               /* the buffer being handled holds whole
                                 * images or records (framing=buffer) */
  gboolean discont;             /* something dropped since the last image */

  /* bytes cut anywhere: the start of an unfinished image */
  GByteArray *pending;
  ImcoreScan scan;
  GstBuffer *pending_timing;    /* timestamps for it, or NULL */
  gboolean framed;              /* buffers have held whole images */

  /* bytes that are no image, skipped since the last image began */
  guint64 skipped;
  ImcoreImageKind skipped_after;        /* the decoded image they follow */
  ImcoreImageKind last_good;    /* the last image, if it decoded */
  gboolean warned_not_image;    /* until the next image decodes */

  /* SNIFF: buffers held until their bytes say text or binary */
  GQueue sniff_held;
  gsize sniff_bytes;
  ImcoreBase64Splitter sniff;

  /* TEXT: the current record's text not decoded yet */
  GByteArray *text;
  ImcoreBase64Splitter split;
  GstBuffer *text_timing;       /* of the buffer the text began in */
  guint64 line;                 /* the current line, from 1 */
  guint64 line_bytes;           /* of the current line before @text */
  gboolean skip_line;           /* after invalid text, up to its newline */
  gboolean warned_text;         /* invalid text, until an image decodes */
} GstImInput;

/* Prepares @in, for images handed to @image (and, when it answers
 * PENDING, settled by @settle) with @user_data and messages posted on
 * @element; then as after gst_im_input_reset(). */
void gst_im_input_init (GstImInput * in, GstElement * element,
    GstImInputImageFunc image, GstImInputSettleFunc settle, gpointer user_data);

/* Frees what @in holds. */
void gst_im_input_clear (GstImInput * in);

/* A new stream: nothing held, no caps (SNIFF), counts from the start. */
void gst_im_input_reset (GstImInput * in);

/* A flush: drops held and unfinished data; the kind stays, the next image
 * is marked DISCONT. */
void gst_im_input_flush (GstImInput * in);

/* New caps say what comes now. When that is another kind, what came
 * before is finished first as all there is (a truncated image refused,
 * skipped bytes reported). Returns the flow of that (GST_FLOW_ERROR when
 * @strict and something was refused). */
GstFlowReturn gst_im_input_set_kind (GstImInput * in, GstImInputKind kind,
    gboolean strict);

/* Takes @buf and finds the images in it. With @whole, @buf holds whole
 * images (binary input), or one base64 record: nothing of it waits for
 * the next buffer, and an image cut short at its end is refused (or bytes
 * that are no image reported) now. Without, images and lines of base64
 * text may span buffers, and an unfinished one waits for the next buffer
 * (or EOS) to tell where it ends. Flow errors come from the callback;
 * GST_FLOW_ERROR also when @strict and bytes are refused (after an error
 * message). */
GstFlowReturn gst_im_input_push (GstImInput * in, GstBuffer * buf,
    gboolean strict, gboolean whole);

/* The stream ends (EOS): held and unfinished data is handed on as all
 * there is; skipped bytes are reported. Returns the flow of that
 * (GST_FLOW_ERROR when @strict and something was refused). */
GstFlowReturn gst_im_input_finish (GstImInput * in, gboolean strict);

G_END_DECLS

#endif /* __GST_IM_DECODE_INPUT_H__ */
