// dl.scan's verifier names the mismatching types; the time shape ops' too.
// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @no_sequence(%h: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'dl.scan' op expects at least one sequence (its dimension 1 is the time axis the scan runs over)}}
  %0 = dl.scan carries(%h : tensor<?x4xf32>) sequences() invariants() -> (tensor<?x4xf32>) {
  ^bb0(%a: tensor<?x4xf32>):
    dl.yield %a : tensor<?x4xf32>
  }
  return %0 : tensor<?x4xf32>
}

// -----

func.func @lengths(%x: tensor<?x7x4xf32>, %y: tensor<?x5x4xf32>) {
  // expected-error @+1 {{'dl.scan' op expects every sequence to have the same length (dimension 1), but they are 'tensor<?x7x4xf32>', 'tensor<?x5x4xf32>'}}
  %0 = dl.scan carries() sequences(%x, %y : tensor<?x7x4xf32>, tensor<?x5x4xf32>) invariants() -> (tensor<?x7x4xf32>) {
  ^bb0(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>):
    dl.yield %a : tensor<?x4xf32>
  }
  return
}

// -----

func.func @no_result(%x: tensor<?x7x4xf32>) {
  // expected-error @+1 {{'dl.scan' op expects at least one result (a final carry or a stacked per-step output)}}
  "dl.scan"(%x) <{operandSegmentSizes = array<i32: 0, 1, 0>}> ({
  ^bb0(%a: tensor<?x4xf32>):
    dl.yield
  }) : (tensor<?x7x4xf32>) -> ()
  return
}

// -----

func.func @rank(%x: tensor<?xf32>) {
  // expected-error @+1 {{'dl.scan' op expects sequences shaped [batch, time, ...], but one is 'tensor<?xf32>'}}
  %0 = dl.scan carries() sequences(%x : tensor<?xf32>) invariants() -> (tensor<?xf32>) {
  ^bb0(%a: tensor<?xf32>):
    dl.yield %a : tensor<?xf32>
  }
  return
}

// -----

func.func @final_carry(%h: tensor<?x4xf32>, %x: tensor<?x7x4xf32>) {
  // expected-error @+1 {{'dl.scan' op expects final carry #0 to have its initial value's type 'tensor<?x4xf32>', but it is 'tensor<?x5xf32>'}}
  %0 = dl.scan carries(%h : tensor<?x4xf32>) sequences(%x : tensor<?x7x4xf32>) invariants() -> (tensor<?x5xf32>) {
  ^bb0(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>):
    dl.yield %a : tensor<?x4xf32>
  }
  return
}

// -----

func.func @arg_count(%h: tensor<?x4xf32>, %x: tensor<?x7x4xf32>) {
  // expected-error @+1 {{'dl.scan' op expects the body to take 1 carries, 1 sequence slices and 0 invariants (2 arguments), but it takes 1}}
  %0 = dl.scan carries(%h : tensor<?x4xf32>) sequences(%x : tensor<?x7x4xf32>) invariants() -> (tensor<?x4xf32>) {
  ^bb0(%a: tensor<?x4xf32>):
    dl.yield %a : tensor<?x4xf32>
  }
  return
}

// -----

func.func @slice_type(%h: tensor<?x4xf32>, %x: tensor<?x7x3xf32>) {
  // expected-error @+1 {{'dl.scan' op expects body argument #1 to be 'tensor<?x3xf32>', but it is 'tensor<?x4xf32>'}}
  %0 = dl.scan carries(%h : tensor<?x4xf32>) sequences(%x : tensor<?x7x3xf32>) invariants() -> (tensor<?x4xf32>) {
  ^bb0(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>):
    dl.yield %a : tensor<?x4xf32>
  }
  return
}

// -----

func.func @yield_count(%h: tensor<?x4xf32>, %x: tensor<?x7x4xf32>) {
  // expected-error @+1 {{'dl.scan' op expects dl.yield to give 1 next carries and 0 per-step outputs (1 values, one per result), but it gives 2}}
  %0 = dl.scan carries(%h : tensor<?x4xf32>) sequences(%x : tensor<?x7x4xf32>) invariants() -> (tensor<?x4xf32>) {
  ^bb0(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>):
    dl.yield %a, %b : tensor<?x4xf32>, tensor<?x4xf32>
  }
  return
}

// -----

func.func @next_carry(%h: tensor<?x4xf32>, %x: tensor<?x7x3xf32>) {
  // expected-error @+1 {{'dl.scan' op expects next carry #0 to have the carry's type 'tensor<?x4xf32>', but dl.yield gives 'tensor<?x3xf32>'}}
  %0 = dl.scan carries(%h : tensor<?x4xf32>) sequences(%x : tensor<?x7x3xf32>) invariants() -> (tensor<?x4xf32>) {
  ^bb0(%a: tensor<?x4xf32>, %b: tensor<?x3xf32>):
    dl.yield %b : tensor<?x3xf32>
  }
  return
}

// -----

func.func @stacked(%x: tensor<?x7x3xf32>) {
  // expected-error @+1 {{'dl.scan' op expects per-step output #0 ('tensor<?x3xf32>') stacked over time as 'tensor<?x7x3xf32>', but the result is 'tensor<?x6x3xf32>'}}
  %0 = dl.scan carries() sequences(%x : tensor<?x7x3xf32>) invariants() -> (tensor<?x6x3xf32>) {
  ^bb0(%b: tensor<?x3xf32>):
    dl.yield %b : tensor<?x3xf32>
  }
  return
}

// -----

// Another dialect's terminator is rejected (by its own verifier, first).
func.func @terminator(%x: tensor<?x7x3xf32>) {
  %0 = dl.scan carries() sequences(%x : tensor<?x7x3xf32>) invariants() -> (tensor<?x7x3xf32>) {
  ^bb0(%b: tensor<?x3xf32>):
    // expected-error @+1 {{'func.return' op expects parent op 'func.func'}}
    func.return %b : tensor<?x3xf32>
  }
  return
}

// -----

func.func @zeros(%x: tensor<?x7x3xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'dl.zeros' op expects a result with the batch (dimension 0) of 'tensor<?x7x3xf32>' and static sizes elsewhere, but it is 'tensor<?x?xf32>'}}
  %0 = dl.zeros %x : tensor<?x7x3xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @merge_time(%x: tensor<2x7x3xf32>) -> tensor<15x3xf32> {
  // expected-error @+1 {{'dl.merge_time' op expects [B, T, ...] merged into [B*T, ...], but input is 'tensor<2x7x3xf32>' and result is 'tensor<15x3xf32>'}}
  %0 = dl.merge_time %x : tensor<2x7x3xf32> -> tensor<15x3xf32>
  return %0 : tensor<15x3xf32>
}

// -----

func.func @split_time(%p: tensor<?x4xf32>, %x: tensor<?x7x3xf32>) -> tensor<?x6x4xf32> {
  // expected-error @+1 {{'dl.split_time' op expects [B*T, ...] split into [B, T, ...] with B and T from 'tensor<?x7x3xf32>', but input is 'tensor<?x4xf32>' and result is 'tensor<?x6x4xf32>'}}
  %0 = dl.split_time %p like %x : (tensor<?x4xf32>, tensor<?x7x3xf32>) -> tensor<?x6x4xf32>
  return %0 : tensor<?x6x4xf32>
}

// -----

func.func @orthogonal(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'dl.orthogonal' op expects a static matrix, but the input is 'tensor<?x4xf32>'}}
  %0 = dl.orthogonal %a : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
