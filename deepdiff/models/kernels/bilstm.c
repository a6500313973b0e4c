/* Stacked bidirectional LSTM recurrence (forward and backpropagation through time).
 *
 * G groups (group 2r + d: row r, direction d) are independent sequences with their own
 * weights; threads take whole groups, so the time loop runs without any synchronisation.
 * Layouts (float32, contiguous):
 *   x      (G, T, B, I)  step-ordered input (reverse directions already flipped)
 *   w_ih   (G, 4H, I), w_hh (G, 4H, H), bias (G, 4H) = b_ih + b_hh   (nn.LSTM layout, i f g o)
 *   y      (R, B, T, 2H) time-ordered output, forward direction in [0, H), reverse in [H, 2H)
 *   cells  (G, T, B, H)  cell states (saved for backward) or NULL
 *   gates  (K, T, B, 4H) gate activations of the first K groups (saved for backward; the
 *          other groups recompute theirs in backward), or NULL when K = 0
 * HID (the hidden size) is a compile-time constant so the inner loops vectorise fully.
 *
 * Built on first use by native.py (beside this file), once per hidden size:
 *   cc -O3 -march=native -fno-math-errno -fno-trapping-math -shared -fPIC -pthread -DHID=32 bilstm.c
 * and compiles without warnings under -Wall -Wextra (tests/models/kernels/test_native.py).
 */
#include <pthread.h>
#if defined(__SSE__)
#include <immintrin.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#ifndef HID
#error "compile with -DHID=<hidden size>"
#endif
#define NG (4 * HID)
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* The fused forward step works on blocks of FW hidden units: vectors of FW floats, the widest
 * of 16, 8, 4 that divides the hidden size and fits the ISA's registers. */
#if HID % 16 == 0 && defined(__AVX512F__)
#define FW 16
#elif HID % 8 == 0 && (defined(__AVX__) || defined(__AVX512F__))
#define FW 8
#else
#define FW 4
#endif
typedef float fv __attribute__((vector_size(4 * FW)));
typedef float fvu __attribute__((vector_size(4 * FW), aligned(4)));
typedef int32_t iv __attribute__((vector_size(4 * FW)));
#define LOADF(p) (*(const fvu *)(p))
#define STOREF(p, v) (*(fvu *)(p) = (v))
/* Vector registers of the ISA: the GEMM's register tile is sized to fit them, or the
 * accumulators spill to memory on every k (a factor of two to four on AVX2). */
#if defined(__AVX512F__) || defined(__aarch64__)
#define NREG 32
#else
#define NREG 16
#endif

/* C (M x N, row stride N) += A (M x K, element (m, k) at A[m * ars + k * acs]) @ Bm (K x N).
 * N is a multiple of FW and a compile-time constant. A register tile is RB rows x CB vectors
 * of C, with CB vectors of Bm and one broadcast of A beside it. */
#define DEFINE_GEMM(NAME, N)                                                                  \
    static void NAME(int M, int K, const float *A, long ars, long acs, const float *restrict Bm, \
                     float *restrict C) {                                                     \
        enum { NV = (N) / FW, CB = NV % 4 == 0 && NREG >= 32 ? 4 : NV % 2 == 0 ? 2 : 1,       \
               RB = (NREG - CB - 2) / CB > 6 ? 6 : (NREG - CB - 2) / CB >= 4 ? 4 : 2 };        \
        int m = 0;                                                                            \
        for (; m + RB <= M; m += RB)                                                          \
            for (int cb = 0; cb < NV; cb += CB) {                                             \
                fv acc[RB][CB];                                                               \
                _Pragma("GCC unroll 8") for (int q = 0; q < RB; q++)                          \
                _Pragma("GCC unroll 4") for (int v = 0; v < CB; v++)                          \
                    acc[q][v] = LOADF(C + (long)(m + q) * (N) + FW * (cb + v));               \
                for (int k = 0; k < K; k++) {                                                 \
                    const float *b = Bm + (long)k * (N) + FW * cb;                            \
                    fv bv[CB];                                                                \
                    _Pragma("GCC unroll 4") for (int v = 0; v < CB; v++) bv[v] = LOADF(b + FW * v); \
                    _Pragma("GCC unroll 8") for (int q = 0; q < RB; q++) {                    \
                        const fv a = A[(long)(m + q) * ars + (long)k * acs] - (fv){};         \
                        _Pragma("GCC unroll 4") for (int v = 0; v < CB; v++) acc[q][v] += a * bv[v]; \
                    }                                                                         \
                }                                                                             \
                _Pragma("GCC unroll 8") for (int q = 0; q < RB; q++)                          \
                _Pragma("GCC unroll 4") for (int v = 0; v < CB; v++)                          \
                    STOREF(C + (long)(m + q) * (N) + FW * (cb + v), acc[q][v]);               \
            }                                                                                 \
        for (; m < M; m++)                                                                    \
            for (int cb = 0; cb < NV; cb += CB) {                                             \
                fv acc[CB];                                                                   \
                _Pragma("GCC unroll 4") for (int v = 0; v < CB; v++)                          \
                    acc[v] = LOADF(C + (long)m * (N) + FW * (cb + v));                        \
                for (int k = 0; k < K; k++) {                                                 \
                    const fv a = A[(long)m * ars + (long)k * acs] - (fv){};                   \
                    const float *b = Bm + (long)k * (N) + FW * cb;                            \
                    _Pragma("GCC unroll 4") for (int v = 0; v < CB; v++) acc[v] += a * LOADF(b + FW * v); \
                }                                                                             \
                _Pragma("GCC unroll 4") for (int v = 0; v < CB; v++)                          \
                    STOREF(C + (long)m * (N) + FW * (cb + v), acc[v]);                        \
            }                                                                                 \
    }

#if HID % 4 != 0
#error "the hidden size must be a multiple of 4"
#endif
DEFINE_GEMM(gemm_gates, NG)

/* Runtime-N version for the input size (only the Level II input gradient uses it). */
static void gemm_any(int M, int N, int K, const float *A, long ars, long acs, const float *restrict Bm,
                     float *restrict C) {
    for (int m = 0; m < M; m++) {
        float *c = C + (long)m * N;
        for (int k = 0; k < K; k++) {
            const float a = A[(long)m * ars + (long)k * acs];
            const float *b = Bm + (long)k * N;
            for (int n = 0; n < N; n++) c[n] += a * b[n];
        }
    }
}

DEFINE_GEMM(gemm_hidden, HID)

typedef struct {
    int G, T, B, I, n_keep, n_threads;
    const float *x, *w_ih, *w_hh, *bias, *grad_y;
    float *y, *cells, *gates, *grad_x, *grad_w_ih, *grad_w_hh, *grad_bias;
    /* Fused attention (optional): context (R, 2H); forward writes per-direction scores
     * (G, B, T); backward takes the attention weights and score gradients (R, B, T) and the
     * embedding gradient (R, B, 2H) in place of grad_y, and writes grad_context (G, H). */
    const float *context, *alpha, *grad_embed, *grad_scores;
    float *scores, *grad_context;
    int next; /* next group to take (atomic) */
    int failed;
} job_t;

/* Transpose a (rows x cols) matrix into (cols x rows). */
static void transpose(const float *src, int rows, int cols, float *dst) {
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) dst[(long)j * rows + i] = src[(long)i * cols + j];
}

/* Rows of the batch per register tile of the fused step: FRB x (4 gates) accumulators. On AVX2
 * (16 registers) 3 rows beat 2 although they spill a weight vector: the 12 activations of a
 * tile interleave (fsigmoid_n), which pays more than the spill costs (measured on Zen). */
#if defined(__AVX512F__) || defined(__aarch64__)
#define FRB 4
#else
#define FRB 3
#endif

ALWAYS_INLINE fv fselect(iv mask, fv a, fv b) { return (fv)((mask & (iv)a) | (~mask & (iv)b)); }

/* Min, max and reciprocal: one instruction each where the ISA has them, portable code elsewhere.
 * The reciprocal is the hardware estimate refined by one Newton step (relative error about
 * 2^-22): a division costs as much as the rest of an activation. */
#if FW == 16
#define VMIN(a, b) ((fv)_mm512_min_ps((__m512)(a), (__m512)(b)))
#define VMAX(a, b) ((fv)_mm512_max_ps((__m512)(a), (__m512)(b)))
#define VRCP(a) ((fv)_mm512_rcp14_ps((__m512)(a)))
#elif FW == 8
#define VMIN(a, b) ((fv)_mm256_min_ps((__m256)(a), (__m256)(b)))
#define VMAX(a, b) ((fv)_mm256_max_ps((__m256)(a), (__m256)(b)))
#define VRCP(a) ((fv)_mm256_rcp_ps((__m256)(a)))
#elif defined(__SSE__)
#define VMIN(a, b) ((fv)_mm_min_ps((__m128)(a), (__m128)(b)))
#define VMAX(a, b) ((fv)_mm_max_ps((__m128)(a), (__m128)(b)))
#define VRCP(a) ((fv)_mm_rcp_ps((__m128)(a)))
#else
#define VMIN(a, b) fselect((a) < (b), (a), (b))
#define VMAX(a, b) fselect((a) > (b), (a), (b))
#endif

ALWAYS_INLINE fv frcp(fv d) {
#ifdef VRCP
    const fv r = VRCP(d);
    return r + r * (1.0f - d * r);
#else
    return 1.0f / d;
#endif
}

/* The logistic function of K vectors in place (K a compile-time constant after inlining, at most
 * 4 FRB), stage by stage across the vectors so that their dependency chains, some 16 operations
 * deep, interleave. sigmoid(x) = 1 / (1 + 2^y), y = -x log2 e = n + f: 2^n goes straight into
 * the exponent field (adding 1.5 * 2^23 + 127 leaves n + 127 in a float's low bits), 2^f,
 * |f| <= 1/2, is a degree-5 polynomial fitted here for relative error 7.5e-8. The input is clamped
 * to [-87, 87], where 2^n stays a normal float (the sigmoid is 0 or 1 to float precision beyond).
 * Against double precision on a fine grid of [-100, 100]: |error| < 1.4e-7 (sigmoid), < 2.8e-7 (tanh),
 * the hardware reciprocal's refinement included; without it (no SSE) 1e-7 and 2e-7. */
ALWAYS_INLINE void fsigmoid_n(const int K, fv *v) {
    fv t[4 * FRB], p[4 * FRB];
    const fv magic = (fv){} + 12583039.0f;
    _Pragma("GCC unroll 16") for (int k = 0; k < K; k++) {
        const fv x = VMAX(VMIN(v[k], (fv){} + 87.0f), (fv){} - 87.0f);
        t[k] = x * -1.44269504088896341f + magic;
        const fv f = x * -1.44269504088896341f - (t[k] - magic);
        p[k] = f * 1.3276471e-3f + 9.6755419e-3f;
        p[k] = p[k] * f + 5.5507131e-2f;
        p[k] = p[k] * f + 2.4022120e-1f;
        p[k] = p[k] * f + 6.9314694e-1f;
        p[k] = p[k] * f + 1.0000001f;
    }
    _Pragma("GCC unroll 16") for (int k = 0; k < K; k++) v[k] = frcp(1.0f + p[k] * (fv)((iv)t[k] << 23));
}

ALWAYS_INLINE fv fsigmoid(fv x) {
    fv v[1] = {x};
    fsigmoid_n(1, v);
    return v[0];
}

ALWAYS_INLINE fv ftanh(fv x) { return 2.0f * fsigmoid(2.0f * x) - 1.0f; }

/* R batch rows (a compile-time constant after inlining) x one block of FW units of one step:
 * gate pre-activations (bias + input projection + recurrent product) accumulate in registers,
 * are activated there, and the cell update follows, so no intermediate goes through memory.
 * The g gate's weights and bias come doubled (scale_g_gate), so that all four gates take the
 * logistic function together: tanh(z) = 2 sigmoid(2z) - 1. */
ALWAYS_INLINE void step_tile(const int R, int m, int u, int I, const float *bias, const float *wiT,
                             const float *whT, const float *x_t, const float *hp, float *h, long hs,
                             const float *cp, float *c, float *zt) {
    fv acc[FRB][4];
    _Pragma("GCC unroll 4") for (int q = 0; q < R; q++)
    _Pragma("GCC unroll 4") for (int k = 0; k < 4; k++) acc[q][k] = LOADF(bias + k * HID + u);
    for (int i = 0; i < I; i++)
        for (int q = 0; q < R; q++) {
            const fv a = x_t[(long)(m + q) * I + i] - (fv){}; /* splat (x - 0 = x) */
            for (int k = 0; k < 4; k++) acc[q][k] += a * LOADF(wiT + (long)i * NG + k * HID + u);
        }
    if (hp)
        for (int j = 0; j < HID; j++) {
            fv w[4];
            _Pragma("GCC unroll 4") for (int k = 0; k < 4; k++) w[k] = LOADF(whT + (long)j * NG + k * HID + u);
            _Pragma("GCC unroll 4") for (int q = 0; q < R; q++) {
                const fv a = hp[(long)(m + q) * hs + j] - (fv){};
                _Pragma("GCC unroll 4") for (int k = 0; k < 4; k++) acc[q][k] += a * w[k];
            }
        }
    fv z[4 * FRB], cn[FRB];
    _Pragma("GCC unroll 4") for (int q = 0; q < R; q++)
    _Pragma("GCC unroll 4") for (int k = 0; k < 4; k++) z[4 * q + k] = acc[q][k];
    fsigmoid_n(4 * R, z);
    _Pragma("GCC unroll 4") for (int q = 0; q < R; q++) {
        const long b = m + q;
        const fv gi = z[4 * q], gf = z[4 * q + 1], gg = 2.0f * z[4 * q + 2] - 1.0f;
        if (zt) {
            STOREF(zt + b * NG + u, gi);
            STOREF(zt + b * NG + HID + u, gf);
            STOREF(zt + b * NG + 2 * HID + u, gg);
            STOREF(zt + b * NG + 3 * HID + u, z[4 * q + 3]);
        }
        const fv c_new = (cp ? gf * LOADF(cp + b * HID + u) : (fv){}) + gi * gg;
        STOREF(c + b * HID + u, c_new);
        cn[q] = 2.0f * c_new;
    }
    fsigmoid_n(R, cn);
    _Pragma("GCC unroll 4") for (int q = 0; q < R; q++)
        STOREF(h + (m + q) * hs + u, z[4 * q + 3] * (2.0f * cn[q] - 1.0f));
}

/* Double the g gate's columns of transposed weights (n_in x 4H), and copy a bias doubled likewise
 * (bias2 = NULL: weights only), for step_tile. Exact: a power of two. */
static void scale_g_gate(float *wT, int n_in, const float *bias, float *bias2) {
    for (int i = 0; i < n_in; i++)
        for (int j = 2 * HID; j < 3 * HID; j++) wT[(long)i * NG + j] *= 2.0f;
    if (bias2) {
        memcpy(bias2, bias, sizeof(float) * NG);
        for (int j = 2 * HID; j < 3 * HID; j++) bias2[j] *= 2.0f;
    }
}

/* One time step for every batch row. The previous hidden state of row b is hp + b hs (NULL at
 * the first step) and the new one goes to h + b hs; cell states are (B, H) at cp (NULL: zero)
 * and c (may equal cp); gate activations are stored to zt (B, 4H) unless it is NULL. */
static void step_forward(int B, int I, const float *bias, const float *wiT, const float *whT, const float *x_t,
                         const float *hp, float *h, long hs, const float *cp, float *c, float *zt) {
    for (int u = 0; u < HID; u += FW) {
        int m = 0;
        for (; m + FRB <= B; m += FRB) step_tile(FRB, m, u, I, bias, wiT, whT, x_t, hp, h, hs, cp, c, zt);
        for (; m < B; m++) step_tile(1, m, u, I, bias, wiT, whT, x_t, hp, h, hs, cp, c, zt);
    }
}

/* Backward of one step for one batch row. dh holds the recurrent gradient of h_t (from step
 * t + 1); dcf holds dc_{t+1} f_{t+1} on entry and dc_t f_t on exit; dz receives the gradient of
 * the pre-activations (i, f, g, o). */
static void cell_backward(const float *z, const float *ct, const float *cp, const float *gy, const float *dh,
                          float *dcf, float *dz) {
    for (int u = 0; u < HID; u += FW) {
        const fv gi = LOADF(z + u), gf = LOADF(z + HID + u), gg = LOADF(z + 2 * HID + u), go = LOADF(z + 3 * HID + u);
        const fv tc = ftanh(LOADF(ct + u));
        const fv dhj = LOADF(gy + u) + LOADF(dh + u);
        const fv dc = LOADF(dcf + u) + dhj * go * (1.0f - tc * tc);
        STOREF(dz + u, dc * gg * gi * (1.0f - gi));
        STOREF(dz + HID + u, dc * LOADF(cp + u) * gf * (1.0f - gf));
        STOREF(dz + 2 * HID + u, dc * gi * (1.0f - gg * gg));
        STOREF(dz + 3 * HID + u, dhj * tc * go * (1.0f - go));
        STOREF(dcf + u, dc * gf);
    }
}

static void forward_group(const job_t *job, int g, float *scratch) {
    const int T = job->T, B = job->B, I = job->I, d = g % 2, r = g / 2;
    float *whT = scratch, *wiT = whT + HID * NG, *c = wiT + (long)I * NG;
    transpose(job->w_hh + (long)g * NG * HID, NG, HID, whT);
    transpose(job->w_ih + (long)g * NG * I, NG, I, wiT);
    float *bias = c + (long)B * HID;
    scale_g_gate(whT, HID, NULL, NULL);
    scale_g_gate(wiT, I, job->bias + (long)g * NG, bias);
    /* Hidden states go straight into the output: row b's state at time s is y0[b hs + s 2H]. */
    const long hs = (long)T * 2 * HID;
    float *y0 = job->y + (long)r * B * hs + d * HID;
    for (int t = 0; t < T; t++) {
        const int time = d ? T - 1 - t : t, prev = d ? time + 1 : time - 1;
        const float *x_t = job->x + ((long)g * T + t) * B * I;
        float *zt = g < job->n_keep ? job->gates + ((long)g * T + t) * B * NG : NULL;
        /* Cell states: kept for backward in cells (G, T, B, H), else updated in place in c. */
        float *ct = job->cells ? job->cells + ((long)g * T + t) * B * HID : c;
        const float *cp = t == 0 ? NULL : (job->cells ? ct - (long)B * HID : c);
        step_forward(B, I, bias, wiT, whT, x_t, t > 0 ? y0 + (long)prev * 2 * HID : NULL, y0 + (long)time * 2 * HID,
                     hs, cp, ct, zt);
        if (job->scores) {
            const float *u = job->context + (long)r * 2 * HID + d * HID;
            for (int b = 0; b < B; b++) {
                const float *hb = y0 + b * hs + (long)time * 2 * HID;
                float s = 0.0f;
                for (int j = 0; j < HID; j++) s += hb[j] * u[j];
                job->scores[((long)g * B + b) * T + time] = s;
            }
        }
    }
}

static void backward_group(const job_t *job, int g, float *scratch) {
    const int T = job->T, B = job->B, I = job->I, d = g % 2, r = g / 2;
    float *whT = scratch, *wiT = whT + HID * NG, *z = wiT + (long)I * NG;
    float *dz = z + (long)B * NG, *hprev = dz + (long)B * NG, *dh = hprev + (long)B * HID;
    float *dcf = dh + (long)B * HID, *dwhT = dcf + (long)B * HID, *dwiT = dwhT + HID * NG;
    float *db = dwiT + (long)I * NG, *zeros = db + NG, *gy = zeros + (long)B * HID, *dctx = gy + (long)B * HID;
    float *junk = dctx + HID;
    memset(zeros, 0, sizeof(float) * B * HID);
    memset(dctx, 0, sizeof(float) * HID);
    const float *u = job->context ? job->context + (long)r * 2 * HID + d * HID : NULL;
    const float *w_hh = job->w_hh + (long)g * NG * HID, *w_ih = job->w_ih + (long)g * NG * I;
    transpose(w_hh, NG, HID, whT); /* whT, wiT and bias only serve to recompute the gates */
    transpose(w_ih, NG, I, wiT);
    float *bias = junk + (long)B * HID;
    scale_g_gate(whT, HID, NULL, NULL);
    scale_g_gate(wiT, I, job->bias + (long)g * NG, bias);
    memset(dh, 0, sizeof(float) * B * HID);
    memset(dcf, 0, sizeof(float) * B * HID);
    memset(dwhT, 0, sizeof(float) * HID * NG);
    memset(dwiT, 0, sizeof(float) * I * NG);
    memset(db, 0, sizeof(float) * NG);
    for (int t = T - 1; t >= 0; t--) {
        const int time = d ? T - 1 - t : t;
        const float *x_t = job->x + ((long)g * T + t) * B * I;
        if (t > 0) {
            const int tprev = d ? time + 1 : time - 1;
            for (int b = 0; b < B; b++)
                memcpy(hprev + (long)b * HID, job->y + (((long)r * B + b) * T + tprev) * 2 * HID + d * HID,
                       sizeof(float) * HID);
        }
        const float *zt;
        if (g < job->n_keep) {
            zt = job->gates + ((long)g * T + t) * B * NG;
        } else {
            /* Recompute the activations (the state outputs go to scratch, unused). */
            step_forward(B, I, bias, wiT, whT, x_t, t > 0 ? hprev : NULL, junk, HID, NULL, junk, z);
            zt = z;
        }
        const float *ct = job->cells + ((long)g * T + t) * B * HID;
        const float *cp = t > 0 ? ct - (long)B * HID : zeros;
        for (int b = 0; b < B; b++) {
            /* Gradient reaching h_t: from the output, and/or through the fused attention. */
            const long row = ((long)r * B + b) * T + time;
            float *gyb = gy + (long)b * HID;
            if (job->grad_y)
                memcpy(gyb, job->grad_y + row * 2 * HID + d * HID, sizeof(float) * HID);
            else
                memset(gyb, 0, sizeof(float) * HID);
            if (job->alpha) {
                const float a = job->alpha[row], ds = job->grad_scores[row];
                const float *de = job->grad_embed + ((long)r * B + b) * 2 * HID + d * HID;
                const float *hy = job->y + row * 2 * HID + d * HID;
                for (int j = 0; j < HID; j++) {
                    gyb[j] += a * de[j] + ds * u[j];
                    dctx[j] += ds * hy[j];
                }
            }
            cell_backward(zt + (long)b * NG, ct + (long)b * HID, cp + (long)b * HID, gyb, dh + (long)b * HID,
                          dcf + (long)b * HID, dz + (long)b * NG);
        }
        for (int b = 0; b < B; b++)
            for (int j = 0; j < NG; j++) db[j] += dz[(long)b * NG + j];
        if (t > 0) gemm_gates(HID, B, hprev, 1, HID, dz, dwhT);
        gemm_gates(I, B, x_t, 1, I, dz, dwiT);
        if (job->grad_x) {
            float *gx = job->grad_x + ((long)g * T + t) * B * I;
            memset(gx, 0, sizeof(float) * B * I);
            gemm_any(B, I, NG, dz, NG, 1, w_ih, gx);
        }
        memset(dh, 0, sizeof(float) * B * HID);
        if (t > 0) gemm_hidden(B, NG, dz, NG, 1, w_hh, dh);
    }
    transpose(dwhT, HID, NG, job->grad_w_hh + (long)g * NG * HID);
    transpose(dwiT, I, NG, job->grad_w_ih + (long)g * NG * I);
    memcpy(job->grad_bias + (long)g * NG, db, sizeof(float) * NG);
    if (job->grad_context) memcpy(job->grad_context + (long)g * HID, dctx, sizeof(float) * HID);
}

static void *forward_worker(void *arg) {
    job_t *job = arg;
    const long size = (long)HID * NG + (long)job->I * NG + (long)job->B * NG + 2L * job->B * HID + NG;
    float *scratch = malloc(sizeof(float) * size);
    if (!scratch) { __atomic_store_n(&job->failed, 1, __ATOMIC_RELAXED); return NULL; }
    int g;
    while ((g = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED)) < job->G) forward_group(job, g, scratch);
    free(scratch);
    return NULL;
}

static void *backward_worker(void *arg) {
    job_t *job = arg;
    const long size = 2L * HID * NG + 2L * job->I * NG + 2L * job->B * NG + 6L * job->B * HID + 2L * NG + HID;
    float *scratch = malloc(sizeof(float) * size);
    if (!scratch) { __atomic_store_n(&job->failed, 1, __ATOMIC_RELAXED); return NULL; }
    int g;
    while ((g = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED)) < job->G) backward_group(job, g, scratch);
    free(scratch);
    return NULL;
}

static int run(job_t *job, void *(*worker)(void *)) {
    int n = job->n_threads < 1 ? 1 : job->n_threads;
    if (n > job->G) n = job->G;
    pthread_t threads[64];
    if (n > 64) n = 64;
    int started = 0;
    for (int i = 1; i < n; i++)
        if (pthread_create(&threads[started], NULL, worker, job) == 0) started++;
    worker(job);
    for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
    return job->failed ? -1 : 0;
}

/* Ask for transparent huge pages on a large, untouched output buffer: far fewer page faults
 * when it is first written (a no-op where unsupported). */
static void advise_huge(void *p, long bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t page = 2UL << 20, start = ((uintptr_t)p + page - 1) & ~(page - 1);
    const uintptr_t end = ((uintptr_t)p + (uintptr_t)bytes) & ~(page - 1);
    if (p && end > start) madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

int bilstm_hidden_size(void) { return HID; }

void bilstm_advise_huge(void *p, long bytes) { advise_huge(p, bytes); }

int bilstm_forward(int G, int T, int B, int I, int n_keep, const float *x, const float *w_ih, const float *w_hh,
                   const float *bias, const float *context, float *y, float *scores, float *cells, float *gates,
                   int n_threads) {
    job_t job = {.G = G, .T = T, .B = B, .I = I, .n_keep = gates ? n_keep : 0, .n_threads = n_threads, .x = x,
                 .w_ih = w_ih, .w_hh = w_hh, .bias = bias, .y = y, .cells = cells, .gates = gates,
                 .context = context, .scores = scores};
    const long steps = (long)G * T * B * HID * (long)sizeof(float);
    advise_huge(y, steps);
    if (cells) advise_huge(cells, steps);
    if (gates) advise_huge(gates, 4 * steps / G * n_keep);
    return run(&job, forward_worker);
}

int bilstm_backward(int G, int T, int B, int I, int n_keep, const float *x, const float *w_ih, const float *w_hh,
                    const float *bias, const float *y, const float *cells, const float *gates,
                    const float *grad_y, const float *context, const float *alpha, const float *grad_embed,
                    const float *grad_scores, float *grad_x, float *grad_w_ih, float *grad_w_hh, float *grad_bias,
                    float *grad_context, int n_threads) {
    job_t job = {.G = G, .T = T, .B = B, .I = I, .n_keep = gates ? n_keep : 0, .n_threads = n_threads, .x = x,
                 .w_ih = w_ih, .w_hh = w_hh, .bias = bias, .grad_y = grad_y, .y = (float *)y,
                 .cells = (float *)cells, .gates = (float *)gates,
                 .grad_x = grad_x, .grad_w_ih = grad_w_ih, .grad_w_hh = grad_w_hh, .grad_bias = grad_bias,
                 .context = context, .alpha = alpha, .grad_embed = grad_embed, .grad_scores = grad_scores,
                 .grad_context = grad_context};
    return run(&job, backward_worker);
}
