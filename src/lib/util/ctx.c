/*
 * The context's plain fields (struct coco_ctx, internal.h): the verification time, options,
 * limits, the caller's progress, read, phase and TSA hooks, and the last error's message.
 * trust/trust.c makes and frees a context, as it owns the trust store inside it.
 */
#include <time.h>

#include "internal.h"

struct coco_limits *coco_ctx_limits(struct coco_ctx *ctx)
{
	return &ctx->limits;
}

void coco_ctx_set_options(struct coco_ctx *ctx, unsigned options)
{
	ctx->options = options;
}

void coco_ctx_set_time(struct coco_ctx *ctx, time_t at)
{
	ctx->at = at;
	ctx->at_set = 1;
}

time_t coco_ctx_time(struct coco_ctx *ctx)
{
	if (!ctx->at_set) {
		ctx->at = time(NULL);
		ctx->at_set = 1;
	}
	return ctx->at;
}

void coco_ctx_set_tsa(struct coco_ctx *ctx, coco_tsa_fn fn, void *arg)
{
	ctx->tsa = fn;
	ctx->tsa_arg = arg;
}

void coco_ctx_set_progress(struct coco_ctx *ctx, coco_progress_cb cb, void *arg)
{
	ctx->progress = cb;
	ctx->progress_arg = arg;
}

void coco_ctx_set_read_hook(struct coco_ctx *ctx, coco_read_cb cb, void *arg)
{
	ctx->read_hook = cb;
	ctx->read_arg = arg;
}

void coco_progress(const struct coco_ctx *ctx, uint64_t done, uint64_t total)
{
	if (ctx != NULL && ctx->progress != NULL)
		ctx->progress(ctx->progress_arg, done, total);
}

void coco_ctx_set_phase_hook(struct coco_ctx *ctx, coco_phase_cb cb, void *arg)
{
	ctx->phase = cb;
	ctx->phase_arg = arg;
}

const char *coco_phase_name(enum coco_phase phase)
{
	static const char *const names[] = {"tmp-created", "copied", "chunk",   "entry",
					    "written",     "synced", "renamed", "done"};

	return (unsigned)phase < sizeof(names) / sizeof(names[0]) ? names[phase] : NULL;
}

void coco_phase(const struct coco_ctx *ctx, enum coco_phase phase, const char *path, uint64_t n)
{
	if (ctx != NULL && ctx->phase != NULL)
		ctx->phase(ctx->phase_arg, phase, path, n);
}

const char *coco_ctx_error(const struct coco_ctx *ctx)
{
	return ctx->err;
}
