/* gst-imencode core: one JPEG encoded in slices, joined into one file
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_JPEGSLICE_H
#define IMCORE_JPEGSLICE_H

#include "imcore-jpeg.h"

/* How one JPEG is cut into horizontal slices of whole MCU rows so that
 * several encoders (one per thread) can each write one and
 * imcore_jpeg_join_slices() can make the file of them. Every slice is a
 * JPEG of its own rows with the same tables and a restart interval that
 * lands on the slice boundaries: the joined file is, byte for byte, what
 * one encoder writes for the whole image with that restart interval, and
 * decodes to the same pixels as the file without restart markers (they
 * only restart the DC prediction). */
typedef struct
{
  uint32_t n_slices;            /* 1: not split */
  uint32_t height;              /* of the whole image */
  uint32_t slice_rows;          /* image rows of every slice but the last,
                                 * which has the rest; whole MCU rows */
  uint32_t mcu_height;           /* image rows of an MCU row: 8 or 16 */
  uint32_t mcus_per_row;
  unsigned restart_interval;    /* MCUs: the joined file's DRI marker */
} ImcoreJpegSlices;

/* Plans at most @max_slices slices of about equal height for a @width x
 * @height JPEG with @params into @slices and returns how many there are.
 * A restart interval of @params is kept (the slices then end on its
 * multiples); 0 takes the MCUs of one slice (or, past the DRI marker's
 * 65535, a divisor of it). Returns 1 (@slices: the whole image) when the
 * image cannot be split: options that work on the whole image
 * (progressive, optimize, a byte budget), a single MCU row, a restart
 * interval no slice boundary lands on, invalid arguments. */
uint32_t imcore_jpeg_slices_plan (uint32_t width, uint32_t height,
    const ImcoreJpegParams * params, uint32_t max_slices,
    ImcoreJpegSlices * slices);

/* The first image row of slice @index of @slices and its row count. */
void imcore_jpeg_slice_rows (const ImcoreJpegSlices * slices, uint32_t index,
    uint32_t * y, uint32_t * rows);

/* The most bytes imcore_jpeg_encode_slice() writes for slice @index of a
 * @width-wide image with @params (imcore_jpeg_bound_params() of its rows,
 * its Exif bytes counted for slice 0 only); 0 as that function. */
size_t imcore_jpeg_slice_bound (uint32_t width,
    const ImcoreJpegParams * params, const ImcoreJpegSlices * slices,
    uint32_t index);

/* Encodes slice @index of @img (the whole image @slices was planned for,
 * with the same @params) as a JPEG of its own rows into @out of @out_size
 * (at least imcore_jpeg_slice_bound()) with imcore_jpeg_encode(), the
 * slices' restart interval, and @params' Exif bytes in slice 0 only. A
 * rows hook of @params sees whole-image row numbers. Errors as
 * imcore_jpeg_encode(), and IMCORE_ERROR_INVALID_ARGUMENT for an @index
 * or image that is not @slices'. Safe to call for different slices on
 * different threads with different encoders. */
ImcoreError imcore_jpeg_encode_slice (ImcoreJpegEncoder * enc,
    const ImcoreImage * img, const ImcoreJpegParams * params,
    const ImcoreJpegSlices * slices, uint32_t index, uint8_t * out,
    size_t out_size, size_t *out_len);

/* The same for the part @rect of an interleaved YUV image, with
 * imcore_jpeg_encode_interleaved(). */
ImcoreError imcore_jpeg_encode_interleaved_slice (ImcoreJpegEncoder * enc,
    const ImcoreInterleavedYuv * src, const ImcoreRect * rect,
    const ImcoreJpegParams * params, const ImcoreJpegSlices * slices,
    uint32_t index, uint8_t * out, size_t out_size, size_t *out_len);

/* Joins the slices into one JPEG in @out: on entry @out holds slice 0's
 * file of *@out_len bytes; @parts[i] and @part_lens[i] are slice i's file
 * for i >= 1 (@parts[0] is not read). Appends each slice's entropy-coded
 * data after a restart marker, renumbers the restart markers inside it,
 * ends the file and writes the whole height into its frame header;
 * *@out_len becomes the file's size. IMCORE_ERROR_NO_SPACE when the file
 * does not fit @out_size (the whole image's bound always does);
 * IMCORE_ERROR_INVALID_ARGUMENT when a part is not a baseline JPEG of its
 * slice with the slices' restart interval, as imcore_jpeg_encode_slice()
 * writes them. */
ImcoreError imcore_jpeg_join_slices (const ImcoreJpegSlices * slices,
    const uint8_t * const *parts, const size_t *part_lens, uint8_t * out,
    size_t out_size, size_t *out_len);

#endif /* IMCORE_JPEGSLICE_H */
