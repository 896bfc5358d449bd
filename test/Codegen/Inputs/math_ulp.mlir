// The math ops the generated code uses, one function each over 65536
// floats, for math-ulp.test: after dl-expand-math these are the
// approximations every dlc object contains (softmax and the losses use exp,
// log and log1p; the normal initialisers log and cos).
func.func @f_exp(%x: memref<65536xf32>, %y: memref<65536xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 65536 : index
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<65536xf32>
    %r = math.exp %v : f32
    memref.store %r, %y[%i] : memref<65536xf32>
  }
  return
}
func.func @f_log(%x: memref<65536xf32>, %y: memref<65536xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 65536 : index
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<65536xf32>
    %r = math.log %v : f32
    memref.store %r, %y[%i] : memref<65536xf32>
  }
  return
}
func.func @f_log1p(%x: memref<65536xf32>, %y: memref<65536xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 65536 : index
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<65536xf32>
    %r = math.log1p %v : f32
    memref.store %r, %y[%i] : memref<65536xf32>
  }
  return
}
func.func @f_cos(%x: memref<65536xf32>, %y: memref<65536xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 65536 : index
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<65536xf32>
    %r = math.cos %v : f32
    memref.store %r, %y[%i] : memref<65536xf32>
  }
  return
}
