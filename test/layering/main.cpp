//===- main.cpp - the empty main of the layering links --------------------===//
//
// Each layering-<room> executable is this main plus every object file of one
// room's library; linking it is the test.
//
//===----------------------------------------------------------------------===//

int main() { return 0; }
