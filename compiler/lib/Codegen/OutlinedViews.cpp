//===- OutlinedViews.cpp - memref views across an outlined call -----------===//
#include "OutlinedViews.h"

namespace mlir::dl {

MemRefType anyOffset(MemRefType t) {
  auto [strides, offset] = t.getStridesAndOffset();
  return MemRefType::get(
      t.getShape(), t.getElementType(),
      StridedLayoutAttr::get(t.getContext(), ShapedType::kDynamic, strides),
      t.getMemorySpace());
}

void appendViewArgTypes(MemRefType t, SmallVectorImpl<Type> &types) {
  Type index = IndexType::get(t.getContext());
  types.push_back(MemRefType::get(
      {}, t.getElementType(), MemRefLayoutAttrInterface(), t.getMemorySpace()));
  types.push_back(index);
  types.append(t.getNumDynamicDims(), index);
  auto strides = t.getStridesAndOffset().first;
  types.append(llvm::count_if(strides, ShapedType::isDynamic), index);
}

void appendViewArgs(OpBuilder &b, Location loc, Value v,
                    SmallVectorImpl<Value> &args) {
  auto t = cast<MemRefType>(v.getType());
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, v);
  args.push_back(meta.getBaseBuffer());
  args.push_back(meta.getOffset());
  for (int64_t d = 0; d < t.getRank(); ++d)
    if (t.isDynamicDim(d))
      args.push_back(meta.getSizes()[d]);
  auto strides = t.getStridesAndOffset().first;
  for (int64_t d = 0; d < t.getRank(); ++d)
    if (ShapedType::isDynamic(strides[d]))
      args.push_back(meta.getStrides()[d]);
}

Value rebuildView(OpBuilder &b, Location loc, MemRefType t, Block *entry,
                  unsigned &next) {
  Value base = entry->getArgument(next++);
  OpFoldResult offset = entry->getArgument(next++);
  SmallVector<OpFoldResult> sizes, strides;
  for (int64_t d = 0; d < t.getRank(); ++d)
    sizes.push_back(t.isDynamicDim(d) ? OpFoldResult(entry->getArgument(next++))
                                      : b.getIndexAttr(t.getDimSize(d)));
  for (int64_t s : t.getStridesAndOffset().first)
    strides.push_back(ShapedType::isDynamic(s)
                          ? OpFoldResult(entry->getArgument(next++))
                          : b.getIndexAttr(s));
  if (t.getLayout().isIdentity())
    offset = b.getIndexAttr(0);
  return memref::ReinterpretCastOp::create(b, loc, t, base, offset, sizes,
                                           strides);
}

} // namespace mlir::dl
