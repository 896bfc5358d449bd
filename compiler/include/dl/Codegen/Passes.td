//===- Passes.td - code generation: kernels, fusion, buffers -*- tablegen -*-=//
#ifndef DL_CODEGEN_PASSES_TD
#define DL_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def DLVectorizeContractions : Pass<"dl-vectorize-contractions"> {
  let summary = "Rewrite f32 matrix products on memrefs into register-blocked "
                "vector kernels";
  let description = [{
    Runs after bufferization, before convert-linalg-to-loops; needs
    convert-vector-to-llvm later in the pipeline. Every 2-D f32 contraction
    C[m, n] += A * B on memrefs (linalg.matmul, and any linalg.generic with
    two parallel and one reduction loop whose body is `out + in0 * in1`,
    each operand indexed by a permutation of its two loops: the dense
    forward, dx = dy * W^T and dW = x^T * dy) becomes:

      for k0 in [0, K) step kc:                       // K blocking
        [copy B[k0:k0+kc, :] into kc x nr panels]
        for m1 in [0, M - M % mr) step mc:            // M blocking
          for n0 in [0, N) step nr:                   // nr = nr-vectors * lanes
            for m0 in [m1, m1+mc) step mr:
              acc[i][v] = C[m0+i, n0+v*lanes : +lanes]
              for k in [k0, k0+kc):
                b[v] = B(k, n0+v*lanes : +lanes)      // panel row or in place
                acc[i][v] = fma(broadcast(A(m0+i, k)), b[v], acc[i][v])
              C[m0+i, n0+v*lanes : +lanes] = acc[i][v]

    The mr x nr accumulators stay in vector registers (8 x 32 = 16 zmm
    registers by default). The lanes run along C's contiguous dimension, so
    C must be unit-stride there; A is read one scalar at a time, so any
    layout of A works. Remainders: lanes past N are masked off
    (vector.create_mask and masked loads/stores; constant masks when N is a
    static multiple of nr). The mr x nr tiles cover M rounded down to a
    multiple of mr; the rem < mr rows left (all of M when M < mr: batch-1
    predict) go through blocks of 4, 2 and 1 rows, one per bit of rem, with
    wide tiles (about 16 accumulators, 8 for one row: 1 x 128 columns by
    default) and, when N is too narrow for that, several sets of
    accumulators over interleaved k, summed at the end. No row is computed
    twice. Products with N <= lanes use one vector per row.

    A linalg.fill of +0.0 into C immediately before the contraction (dl's dx
    and dW products) is folded in: on the first k block the accumulators
    start at zero instead of loading C, and the fill is erased (kept under
    `scf.if K == 0` when K is dynamic).

    B is copied into zero-padded panels when its n dimension is not
    contiguous (the dx = dy * W^T form: lanes x lanes blocks transposed in
    registers with vector.shuffle), when its row stride is a multiple of
    4 KiB (every panel row would map to the same cache sets; tested at run
    time for a dynamic stride, with one loop nest for each outcome), or when
    a static M >= pack-min-m. Otherwise, and always for a dynamic M (the
    batch: a second nest would cost a third of the code and compile time for
    batches that rarely reach pack-min-m), B is read in place.

    Each k step is a fused multiply-add and k runs in order, so results can
    differ from the naive loops (separate multiply and add) in the last bit.

    With `parallel`, the (m1, n0) loops of each k block become one 2-D
    scf.parallel over M blocks x N tiles (B is still packed once per k block,
    before it; the rem < mr leftover rows stay sequential). Every C tile is
    accumulated in the same order, so results are bitwise those of the
    sequential nest. Products below parallel-min-flops use the sequential
    loops, chosen at compile time for static sizes and by an scf.if
    otherwise.

    With `outline`, each kernel is emitted once per shape class (the operand
    shapes and strides, any offset; the operands' roles; whether C is
    zero-filled) as a private function `dl_contraction_<i>`, and each
    product becomes a call: a deep model, and the several entry points that
    each contain the model, share one copy of each kernel, so code size and
    compile time grow with the number of distinct shapes rather than of
    products. A memref is passed as its base buffer, offset and dynamic sizes
    and strides (the kernel rebuilds it with memref.reinterpret_cast: a bare
    pointer in the entry points' calling convention); the panel buffer of a
    kernel that packs B is allocated by the caller (so dl-workspace places
    it). A kernel called more than once gets `passthrough = ["noinline"]`.
  }];
  let options = [
    Option<"lanes", "lanes", "unsigned", /*default=*/"16",
           "f32 lanes per vector register: 16 for AVX-512, 8 for AVX2">,
    Option<"mr", "mr", "unsigned", /*default=*/"8",
           "Rows of the register tile (AVX2: 6, SSE: 4)">,
    Option<"nrVectors", "nr-vectors", "unsigned", /*default=*/"2",
           "Vectors per row of the register tile; products with N <= lanes "
           "use one">,
    Option<"kc", "kc", "unsigned", /*default=*/"256",
           "Block of the reduction dimension (B panel rows kept in L1)">,
    Option<"mc", "mc", "unsigned", /*default=*/"128",
           "Block of rows of A kept in L2 (rounded up to a multiple of mr)">,
    Option<"packMinM", "pack-min-m", "unsigned", /*default=*/"1024",
           "Copy a row-contiguous B into panels when a static M is at least "
           "this; 0 packs always">,
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Make the loop over the (M block, N tile) pairs of each k block an "
           "scf.parallel (for convert-scf-to-openmp) when the product has at "
           "least parallel-min-flops; off: the loop nest is unchanged">,
    Option<"parallelMinFlops", "parallel-min-flops", "uint64_t",
           /*default=*/"2000000",
           "With parallel: products of fewer flops (2*M*N*K, tested at run "
           "time when a size is dynamic) keep the sequential loops">,
    Option<"outline", "outline", "bool", /*default=*/"false",
           "Emit each shape class's kernel once, as a private function the "
           "products call, instead of a loop nest in place of each (needs a "
           "module)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

def DLFuseContractionConsumers : Pass<"dl-fuse-contraction-consumers"> {
  let summary = "Tile elementwise consumers of large matrix products by rows "
                "and fuse the product into the tile loop";
  let description = [{
    Runs on tensors, before bufferization. A matrix product (a linalg op with
    two parallel loops and one reduction) whose one use is an elementwise
    linalg.generic (every loop parallel, every indexing map the identity),
    and whose result has at least `min-bytes`, is computed a block of rows at
    a time, each block consumed right after it is produced:

      scf.for r0 in [0, M) step T:
        C_r = fill + contraction over rows [r0, r0 + T)   // the fused producer
        consumer over rows [r0, r0 + T)

    This is what makes dl's optimizer step cheap: the weight gradient
    `dW = x^T * dy` of a 784 x 128 layer is 401 KB, and writing it out only to
    read it back in the Adam update costs more than computing it. In blocks of
    about `tile-bytes` (L1-sized) each block of the gradient is still in L1
    when the update reads it. T is a multiple of 8 (whole register tiles of
    the AVX-512 and SSE kernels), and a divisor of M near `tile-bytes` is
    preferred so every block has the same static shape.
  }];
  let options = [
    Option<"tileBytes", "tile-bytes", "unsigned", /*default=*/"16384",
           "Target bytes of one block of the product's result">,
    Option<"minBytes", "min-bytes", "unsigned", /*default=*/"65536",
           "Products with smaller results are left alone">
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

def DLBlockGatheredProducts : Pass<"dl-block-gathered-products"> {
  let summary = "Compute a product a sample at a time where a gather reads "
                "each sample's rows";
  let description = [{
    Runs on tensors, before bufferization. A linalg.generic whose first
    loop is parallel and whose body reads, with tensor.extract, a view
    [N, R, ...] (R static) of the rows of a matrix product (left operand
    rows (m, k), into a zero fill) always with its first loop's index as
    the first index, reads sample n's rows [n * R, (n + 1) * R) only (what
    else it reads does not matter). It is tiled by one
    sample, and the loop computes those rows of the product before the
    sample's part of the gather:

      scf.for n in [0, N):
        P_n = fill + product over rows [n * R, (n + 1) * R)   // static shape
        gather over sample n, reading P_n viewed as [1, R, ...]

    A convolution's input gradient is such a gather (the lowering reads
    dcols as [N, OH * OW, KH * KW, C]): the CNN's 4.5 MB of dcols at batch
    32 went to memory and back; a sample's 139 KB stays in L2. So is a max
    pooling that dl-fuse-elementwise made read a convolution's product
    through a view [N, OH * OW, F] (fashion_cnn's first convolution: 11 MB
    at batch 128, 86 KB a sample). An init that is a linalg.fill (a
    pooling's -inf and argmax index) is filled a sample's slice at a time
    in the loop, not whole before it.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def DLBlockPatchProducts : Pass<"dl-block-patch-products"> {
  let summary = "Make a convolution's patches a sample at a time inside the "
                "products that read them";
  let description = [{
    Runs on tensors, before bufferization. An all-parallel linalg.generic
    that writes its one init [M, K] without reading it, at row
    `d0 * R + r(d1, ...)` and a column free of d0, where r sums the other
    (static) loops with non-negative coefficients and covers [0, R) at its
    extremes, writes sample n's patches into rows [n * R, (n + 1) * R)
    (im2col, as the conv2d lowering emits it). Where every use of it is a
    product into a zero fill that reads it either as the rows of its result
    (`C[m, n] = sum_k P[m, k] B[k, n]`) or reduced over them
    (`C[k, n] = sum_m P[m, k] D[m, n]`), each product becomes a loop over
    the samples that makes the sample's patches (the generic tiled at n)
    and computes its part from them:

      scf.for n in [0, N):                      // rows
        P_n = patches of sample n               // [R, K], static
        C[n * R : (n + 1) * R] = fill 0, P_n x B
      scf.for n in [0, N), acc = fill 0:        // reduced
        acc += P_n^T x D[n * R : (n + 1) * R]

    and the whole patches are never written. For the CNN's second
    convolution at batch 128 they were 17.8 MB, written once and read
    twice from memory; a sample's 139 KB is read from L2. P_n goes into a
    tensor.empty [R, K] of its own, one buffer reused at every n: in rows
    of one as large as all the patches, each sample's block was new
    memory, written through to DRAM (13% of the CNN's step at batch 128,
    against 3% in its own).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def DLSplitEmptyTensors : Pass<"dl-split-empty-tensors"> {
  let summary = "Give every use of a tensor.empty, or of a linalg.fill of "
                "one, its own copy";
  let description = [{
    Runs on tensors, right before eliminate-empty-tensors and
    one-shot-bufferize. CSE merges equal tensor.empty ops (and the
    linalg.fill of zeros that starts each reduction) into one value that
    every layer's ops write into. One-Shot Analysis then puts all of them in
    one alias set and checks each write against the reads and writes of the
    whole set: time quadratic (worse, with its per-pair region queries) in
    the model's depth. It also decides that only one user writes in place;
    each other one gets a buffer plus a memref.copy of the shared fill, and
    a weight gradient whose destination was taken by another one goes
    through a temporary and a second copy.

    When a tensor.empty, or a linalg.fill into one, has more than one use,
    each use as the init (outs) of a linalg op gets a clone (of the fill
    and its empty), placed right before the user (before its ancestor in
    the original's block; right after the original when the user is in
    another block). Other uses keep the original: a tensor.extract_slice
    and the tensor.insert_slice that writes the slice back must name one
    value to bufferize in place. The values are the same, every alias set
    stays within one op chain, and each reduction fills its own buffer (or,
    after eliminate-empty-tensors, its destination) immediately before it.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def DLSplitDeallocs : Pass<"dl-split-deallocs"> {
  let summary = "Split a bufferization.dealloc of distinct allocations into "
                "one per allocation";
  let description = [{
    Runs right after ownership-based-buffer-deallocation. That pass frees
    every buffer of a region with one bufferization.dealloc at its end:
    hundreds of memrefs in a deep model's entry points. Its simplification
    pass then asks, for each pair, whether they may alias, before splitting
    the op into one dealloc per memref: quadratic in the model's depth.

    A dealloc that retains nothing and whose memrefs are each the result of
    a different memref.alloc (distinct allocations cannot alias) becomes one
    dealloc per memref, with its condition, in the same order: what the
    simplification would have made of it, in linear time. Any other dealloc
    is left alone.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def DLStridedCopies : Pass<"dl-strided-copies"> {
  let summary = "Copy between strided views with loops, not a runtime call";
  let description = [{
    Runs on buffers. A memref.copy whose source or target is not one
    contiguous block (a column block of a wider matrix: what a concatenation
    writes and its gradient reads) would lower to a call of the MLIR runner
    library's memrefCopy, which generated objects do not link; it becomes a
    linalg.copy, lowered to loops with everything else. Copies between
    contiguous buffers stay memref.copy (a memcpy).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def DLExpandDynamicGroups : Pass<"dl-expand-dynamic-groups"> {
  let summary = "Expand a memref dim into several dynamic ones as a view";
  let description = [{
    Runs on buffers, before expand-strided-metadata. A memref.expand_shape
    that splits one dimension into more than one dynamic size (a variable
    time axis: [B*T, F] into [B, T, F] with B and T both run-time values)
    is something expand-strided-metadata does not handle (it takes at most
    one dynamic size per group); it becomes the memref.reinterpret_cast of
    the source's base buffer that it stands for: the source's offset, the
    expand's output sizes, and within each group the source dimension's
    stride times the sizes inside it. Other expand_shapes are left alone.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def DLFuseElementwise : Pass<"dl-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg ops on tensors, recomputing only cheap producers";
  let description = [{
    Upstream's linalg-fuse-elementwise-ops (the same patterns: producer into
    consumer, reshapes moved through generics by expansion, canonicalization,
    constant folding) with a stricter control. A producer is fused only into
    a consumer that reads each of its elements once (its indexing map there
    is a permutation): fusing a per-channel [C] computation into the [R, C]
    loop that broadcasts it would run it R times. A reshape moves only
    through generics without reductions, so products and column sums keep
    the rank-2 form the contraction kernels and reduction code expect.
    Two patterns of its own. An all-parallel generic of cheap arithmetic
    whose one result only a `tensor.extract` inside another generic reads
    (a pooling's window) is computed there instead, at the extracted
    position, when the consumer has no more iterations than the producer
    has elements (a max pooling's 2x2 windows at stride 2, not its
    gradient's gather, which reads each pooled element four times). The
    biased ReLU before fashion_cnn's first pooling ([N, 26, 26, 32]) is
    then neither written nor read back. A matrix input [N * R, F] that the
    producer reads at row `d0 * R + r` (a product's result, r within
    [0, R)) is read there through a view [N, R, F] with the sample index
    first, for dl-block-gathered-products. And an all-parallel generic of
    cheap arithmetic that reads other tensors with `tensor.extract` (a
    pooling's gradient where windows do not overlap), every use of which is
    an input that a generic of the same loops reads through the identity
    map, is computed in each of those consumers at their loop indices: a
    batch normalisation's gradient reads a max pooling's twice (its sums,
    its dx), and reads the argmax and the pooled gradient, a quarter of the
    size, instead of a tensor written and read back twice. Not where the
    tensors it reads are larger than its result: a convolution's input
    gradient (col2im) reads dcols, KH * KW times the size of dx, and stays
    one generic for dl-block-gathered-products to make a sample at a time.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def DLCollapseElementwise : Pass<"dl-collapse-elementwise"> {
  let summary = "Run elementwise ops over contiguous buffers as one 1-D loop";
  let description = [{
    Runs on buffers, before convert-linalg-to-loops. A linalg.generic whose
    loops are all parallel, whose indexing maps are all the identity and
    whose memref operands are each contiguous (row-major, no gaps between
    rows) becomes the same generic over memref.collapse_shape views of rank
    1. LLVM's vectoriser then sees one long loop instead of short rows: the
    optimizer update of a [128, 10] kernel ran as 128 scalar loops of 10 and
    now runs as vector code over 1280 elements, and a [16, 128] block of the
    fused Adam update is one loop of 2048. A linalg.fill of a contiguous
    buffer becomes a fill of its rank-1 view too: as a loop nest, LLVM
    vectorised the -inf fill before fashion_cnn's first max-pooling
    ([?, 13, 13, 32]) along an outer loop, into scatters (7% of a step).
    A generic whose body reads its loop indices (linalg.index: a dropout's
    element counter) stays a nest: collapsed, it recovered each index by a
    division and a remainder per element, unvectorised (a dropout's
    gradient with the ReLU's over [?, 5, 5, 64], 5% of fashion_cnn's step).
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def DLVectorizeColumnSums : Pass<"dl-vectorize-column-sums"> {
  let summary = "Sum rows into per-column outputs with the accumulators in vector registers";
  let description = [{
    Runs on buffers, before convert-linalg-to-loops. A linalg.generic whose
    loops are reductions but the last (parallel) one, whose outputs are
    indexed by that last loop alone and whose inputs are rows (all loops) or
    per-column vectors (the last loop) of f32 with a static, contiguous last
    dimension C, and whose body is elementwise arithmetic, becomes scf.for
    loops over the rows carrying one vector<C x f32> accumulator per output:
    a bias gradient sum(dy) over [N, H, W, C], batch normalisation's
    statistics and the sums of its gradient. The body may also compute on
    the row loops' indices (integer arithmetic, per row) and load from
    buffers a row of C elements at indices computed so, the column loop's
    index as the last one (a max pooling's gradient computed in the sums:
    its argmax and pooled gradient); a load at a row that depends on a
    column's value (a gather) is left to the loops. The rows are added in the
    loops' order, so the sums are the same bit for bit as the loops that
    convert-linalg-to-loops would give; LLVM kept those accumulators in
    memory, a store and a reload per row. At most 256 accumulator floats
    (16 AVX-512 registers) over all outputs.

    Also row copies: an all-parallel generic whose last loop runs over a
    static C, whose inputs only give the loops their extents (or, when the
    body reads rows, are rows or per-column vectors read as vectors), whose
    outputs are written, not read, at a last index `e + d_last` (unit
    stride) and whose body is as above becomes loops over the rows storing
    one vector<C x f32> per output and row (a convolution's im2col: LLVM
    unrolled the loop of 32 channels fully and copied element by element;
    its input gradient's gather, one vector per kernel offset).
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

def DLOutlineLinalg : Pass<"dl-outline-linalg", "::mlir::ModuleOp"> {
  let summary = "Move each class of equal linalg ops into one shared function";
  let description = [{
    Runs on buffers, before convert-linalg-to-loops. Every linalg op of the
    module's public functions becomes a call of a private function
    `dl_linalg_<i>` that holds a copy of the op; ops equal but for their
    operands' places (the same shapes, strides, indexing maps, body and
    constants: the bias-and-ReLU of every 16-unit layer, its gradient, the
    Adam update of every [16, 16] kernel) share one function. Memrefs cross
    the call as base buffer, offset, dynamic sizes and strides (rebuilt with
    memref.reinterpret_cast, offset dynamic), scalars and the values the
    body captures from above as themselves, constants are copied in.
    Functions called more than once get `passthrough = ["noinline"]`; LLVM
    inlines the others back. A deep model then costs LLVM each loop once
    rather than once per layer and per entry point: its compile time and
    code size grow with the number of distinct layer shapes.
  }];
  let dependentDialects = [
    "::mlir::func::FuncDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

def DLExpandMath : Pass<"dl-expand-math"> {
  let summary = "Replace transcendental math ops with polynomial approximations";
  let description = [{
    Rewrites math.exp, math.tanh, math.log, math.cos and friends into
    arithmetic (upstream's polynomial approximations; our own for f32 tanh,
    computed in double to stay within 1 ulp, and for f64 exp). Generated
    objects then need no libm, and the loops stay vectorisable.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def DLWorkspace : Pass<"dl-workspace", "::mlir::ModuleOp"> {
  let summary = "Give the batch entry points a caller-provided workspace "
                "instead of heap allocations";
  let description = [{
    Runs on buffers, after the last pass that allocates. For each function
    whose `dl.entry` attribute names an entry point with a workspace form in
    DLEntryPoints.h (predict, train_step_metrics, eval_step; names do not
    matter), every memref.alloc gets a fixed, 64-byte aligned slot in one
    scratch buffer and becomes a memref.view of it; its dealloc goes. The
    slot of a dynamic dimension is sized by the batch (its value computed
    from the entry's i64 batch argument) or by a constant upper bound
    (ValueBoundsConstraintSet; a ragged last block of a tiled loop).
    Allocations of one block whose lifetimes do not overlap (to the last use
    of the allocation or of a view of it; the deallocs say nothing) share
    memory when their sizes are polynomials in the batch (and length),
    checked at probe sizes: greedy interval colouring, in program order or
    largest first, whichever plan is smaller. An allocation whose view
    escapes (loop iter_args, a terminator, a call's result) or whose size is
    no such polynomial (a ceil-divided length) keeps a slot of its own.

    Three functions come out of each entry `F`:
      F_ws(args..., workspace)       the body, no heap allocation at all
      F_workspace_size(batch) -> i64 bytes of workspace F_ws needs
      F(args...)                     one allocation of that size, F_ws, free
    so the existing ABI is unchanged and allocates once per call instead of
    once per buffer. Each carries its own `dl.entry` ("predict_ws",
    "predict_workspace_size", "predict"). An allocation that cannot be
    planned is an error.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::func::FuncDialect"
  ];
}

def DLFlushDenormals : Pass<"dl-flush-denormals", "::mlir::ModuleOp"> {
  let summary = "Run the entry points with subnormal floats flushed to zero";
  let description = [{
    Runs on the LLVM dialect, last. Every defined llvm.func that computes on
    floats, and every omp.parallel region (its body runs on other threads,
    whose FP mode is their own), saves the thread's floating-point control
    register on entry, sets flush-to-zero and denormals-are-zero, and puts
    the caller's bits back before each return: its mode is unchanged, and
    the exception flags the call raised stay raised (on x86 they share
    MXCSR with the mode; AArch64 keeps them apart, in FPSR).
    Functions local to the module (private or internal linkage: the
    outlined contraction kernels) are left alone but for the attribute: they
    run only under a caller that set the mode, and a function counts as
    computing on floats when it calls one of them that does.

    Why: a training step meets subnormals as a matter of course (Adam's
    moments of weights whose inputs are always 0, such as the border pixels
    of an image, decay geometrically through the subnormal range), and on
    x86 every operation that reads or writes one takes a microcode assist.
    On the Fashion-MNIST MLP they cost 12% of a batch-32 epoch. TensorFlow,
    and so Keras, flushes them too; only values below 1.2e-38 change.

    `arch` is `x86` (MXCSR bits FTZ and DAZ) or `aarch64` (FPCR.FZ). The
    functions also get `denormal_fp_math = "preserve-sign,preserve-sign"`,
    so LLVM folds constants in the mode they run in.
  }];
  let options = [
    Option<"arch", "arch", "std::string", /*default=*/"\"x86\"",
           "The floating-point control register to set: x86 or aarch64">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // DL_CODEGEN_PASSES_TD
