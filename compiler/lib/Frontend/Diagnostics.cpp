//===- Diagnostics.cpp - frontend diagnostic helpers ----------------------===//

#include "Diagnostics.h"
#include "dl/Frontend/ModelSpec.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Unicode.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <climits>

using namespace dlc;
using namespace dlc::detail;
using llvm::SMLoc;
using llvm::SourceMgr;
using llvm::StringRef;

namespace {

/// Lines longer than this are shown as a window around the location.
constexpr size_t kMaxPlainLine = 200;
/// Bytes shown on each side of the location in a window.
constexpr size_t kWindowHalf = 60;

bool isPlainLine(StringRef line) {
  if (line.size() > kMaxPlainLine)
    return false;
  return llvm::all_of(line, [](char c) {
    return c == '\t' || (static_cast<unsigned char>(c) >= 0x20 &&
                         static_cast<unsigned char>(c) < 0x7f);
  });
}

/// Appends the rendering of [p, end) to `out`; returns its width in columns.
size_t renderForCaret(const char *p, const char *end, std::string &out) {
  size_t width = 0;
  while (p != end) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (c >= 0x20 && c < 0x7f) {
      out += *p++;
      ++width;
      continue;
    }
    if (c == '\t') {
      out += ' ';
      ++p;
      ++width;
      continue;
    }
    if (c >= 0x80) {
      auto *s = reinterpret_cast<const llvm::UTF8 *>(p);
      unsigned n = llvm::getNumBytesForUTF8(*s);
      if (n >= 2 && n <= 4 && static_cast<size_t>(end - p) >= n &&
          llvm::isLegalUTF8Sequence(s, s + n)) {
        int w = llvm::sys::unicode::columnWidthUTF8(StringRef(p, n));
        if (w > 0) {
          out.append(p, n);
          width += w;
          p += n;
          continue;
        }
        // Well formed but not printable: <U+XXXX>.
        llvm::UTF32 cp = 0, *cpOut = &cp;
        llvm::ConvertUTF8toUTF32(&s, s + n, &cpOut, &cp + 1,
                                 llvm::strictConversion);
        std::string esc;
        llvm::raw_string_ostream(esc)
            << "<U+" << llvm::format_hex_no_prefix(cp, 4, true) << ">";
        out += esc;
        width += esc.size();
        p += n;
        continue;
      }
      std::string esc;
      llvm::raw_string_ostream(esc)
          << "<" << llvm::format_hex_no_prefix(c, 2, true) << ">";
      out += esc;
      width += esc.size();
      ++p;
      continue;
    }
    std::string esc;
    llvm::raw_string_ostream(esc)
        << "<U+" << llvm::format_hex_no_prefix(c, 4, true) << ">";
    out += esc;
    width += esc.size();
    ++p;
  }
  return width;
}

bool isContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

} // namespace

void dlc::detail::printDiagnostic(SourceMgr &srcMgr, SMLoc loc,
                                  SourceMgr::DiagKind kind,
                                  const llvm::Twine &msg) {
  unsigned bufferId = loc.isValid() ? srcMgr.FindBufferContainingLoc(loc) : 0;
  if (bufferId == 0) {
    srcMgr.PrintMessage(llvm::errs(), loc, kind, msg);
    return;
  }
  const llvm::MemoryBuffer *buffer = srcMgr.getMemoryBuffer(bufferId);
  const char *bufStart = buffer->getBufferStart();
  const char *bufEnd = buffer->getBufferEnd();
  const char *p = loc.getPointer();
  const char *lineStart = p;
  while (lineStart != bufStart && lineStart[-1] != '\n' &&
         lineStart[-1] != '\r')
    --lineStart;
  const char *lineEnd = p;
  while (lineEnd != bufEnd && *lineEnd != '\n' && *lineEnd != '\r')
    ++lineEnd;

  if (isPlainLine(StringRef(lineStart, lineEnd - lineStart))) {
    srcMgr.PrintMessage(llvm::errs(), loc, kind, msg);
    return;
  }

  // The header line still goes through the SourceMgr; the source line is
  // rendered here.
  auto [line, col] = srcMgr.getLineAndColumn(loc, bufferId);
  StringRef name = buffer->getBufferIdentifier();
  std::string header = (name == "-" ? std::string("<stdin>") : name.str()) +
                       ":" + std::to_string(line) + ":" + std::to_string(col);
  srcMgr.PrintMessage(llvm::errs(),
                      llvm::SMDiagnostic(header, kind, msg.str()));

  const char *winStart = lineStart;
  if (static_cast<size_t>(p - lineStart) > kWindowHalf) {
    winStart = p - kWindowHalf;
    for (int i = 0;
         i < 3 && winStart != lineStart && isContinuationByte(*winStart); ++i)
      --winStart;
  }
  const char *winEnd = lineEnd;
  if (static_cast<size_t>(lineEnd - p) > kWindowHalf) {
    winEnd = p + kWindowHalf;
    for (int i = 0; i < 3 && winEnd != lineEnd && isContinuationByte(*winEnd);
         ++i)
      ++winEnd;
  }
  std::string display;
  size_t caret = 0;
  if (winStart != lineStart) {
    display += "...";
    caret += 3;
  }
  caret += renderForCaret(winStart, p, display);
  renderForCaret(p, winEnd, display);
  if (winEnd != lineEnd)
    display += "...";
  llvm::errs() << display << '\n' << std::string(caret, ' ') << "^\n";
}

void DiagEngine::error(SMLoc loc, const llvm::Twine &msg) {
  ++numErrors;
  lastDropped = numErrors > maxErrors;
  if (!lastDropped) {
    printDiagnostic(srcMgr, loc, SourceMgr::DK_Error, msg);
    return;
  }
  // Stop before the output drowns the first, most useful messages.
  if (numErrors == maxErrors + 1)
    srcMgr.PrintMessage(llvm::errs(),
                        llvm::SMDiagnostic("", SourceMgr::DK_Note,
                                           "too many errors; not showing "
                                           "the rest"));
}

void DiagEngine::warning(SMLoc loc, const llvm::Twine &msg) {
  lastDropped = numErrors > maxErrors;
  if (!lastDropped)
    printDiagnostic(srcMgr, loc, SourceMgr::DK_Warning, msg);
}

void DiagEngine::note(SMLoc loc, const llvm::Twine &msg) {
  if (!lastDropped)
    printDiagnostic(srcMgr, loc, SourceMgr::DK_Note, msg);
}

std::string dlc::detail::didYouMean(StringRef name,
                                    llvm::ArrayRef<StringRef> candidates) {
  unsigned limit = std::max<unsigned>(2, name.size() / 3);
  unsigned best = UINT_MAX;
  StringRef bestName;
  for (StringRef candidate : candidates) {
    if (candidate == name)
      continue;
    unsigned d = name.edit_distance_insensitive(
        candidate, /*AllowReplacements=*/true, /*MaxEditDistance=*/limit);
    // Never suggest a name that shares nothing with the one written ('x'
    // for 'h').
    if (d >= std::max(name.size(), candidate.size()))
      continue;
    if (d < best) {
      best = d;
      bestName = candidate;
    }
  }
  if (best > limit)
    return "";
  return "; did you mean '" + bestName.str() + "'?";
}

std::string dlc::detail::formatShape(llvm::ArrayRef<int64_t> dims) {
  return dlc::formatShape(std::vector<int64_t>(dims.begin(), dims.end()));
}

std::string dlc::detail::withThousandsSeparators(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -(value + 1) + 1ULL
                                                : static_cast<uint64_t>(value));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}
