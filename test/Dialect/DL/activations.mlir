// The activations beyond relu/sigmoid/tanh/softmax and their gradient ops
// print and parse back to the same IR.
// RUN: dl-opt %s | dl-opt | FileCheck %s

// CHECK-LABEL: func.func @forward
func.func @forward(%x: tensor<?x5xf32>, %m: tensor<?x2x3xf32>) -> tensor<?x5xf32> {
  // CHECK: %[[V0:.*]] = dl.relu6 %{{.*}} : tensor<?x5xf32>
  %0 = dl.relu6 %x : tensor<?x5xf32>
  // CHECK: %[[V1:.*]] = dl.softplus %{{.*}} : tensor<?x5xf32>
  %1 = dl.softplus %0 : tensor<?x5xf32>
  // CHECK: %[[V2:.*]] = dl.softsign %{{.*}} : tensor<?x5xf32>
  %2 = dl.softsign %1 : tensor<?x5xf32>
  // CHECK: %[[V3:.*]] = dl.hard_sigmoid %{{.*}} : tensor<?x5xf32>
  %3 = dl.hard_sigmoid %2 : tensor<?x5xf32>
  // CHECK: %[[V4:.*]] = dl.silu %{{.*}} : tensor<?x5xf32>
  %4 = dl.silu %3 : tensor<?x5xf32>
  // CHECK: %[[V5:.*]] = dl.gelu %{{.*}} : tensor<?x5xf32>
  %5 = dl.gelu %4 : tensor<?x5xf32>
  // CHECK: %[[V6:.*]] = dl.exponential %{{.*}} : tensor<?x5xf32>
  %6 = dl.exponential %5 : tensor<?x5xf32>
  // CHECK: dl.leaky_relu %{{.*}} {alpha = 2.000000e-01 : f32} : tensor<?x5xf32>
  %7 = dl.leaky_relu %6 {alpha = 0.2 : f32} : tensor<?x5xf32>
  // CHECK: dl.elu %{{.*}} {alpha = 1.500000e+00 : f32} : tensor<?x5xf32>
  %8 = dl.elu %7 {alpha = 1.5 : f32} : tensor<?x5xf32>
  // CHECK: dl.log_softmax %{{.*}} : tensor<?x5xf32>
  %9 = dl.log_softmax %8 : tensor<?x5xf32>
  // The elementwise ones take any rank.
  // CHECK: dl.gelu %{{.*}} : tensor<?x2x3xf32>
  %10 = dl.gelu %m : tensor<?x2x3xf32>
  return %9 : tensor<?x5xf32>
}

// CHECK-LABEL: func.func @backward
func.func @backward(%dy: tensor<?x5xf32>, %v: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // CHECK: dl.relu6_grad %{{.*}}, %{{.*}} : tensor<?x5xf32>
  %0 = dl.relu6_grad %dy, %v : tensor<?x5xf32>
  // CHECK: dl.softplus_grad %{{.*}}, %{{.*}} : tensor<?x5xf32>
  %1 = dl.softplus_grad %0, %v : tensor<?x5xf32>
  // CHECK: dl.softsign_grad %{{.*}}, %{{.*}} : tensor<?x5xf32>
  %2 = dl.softsign_grad %1, %v : tensor<?x5xf32>
  // CHECK: dl.hard_sigmoid_grad %{{.*}}, %{{.*}} : tensor<?x5xf32>
  %3 = dl.hard_sigmoid_grad %2, %v : tensor<?x5xf32>
  // CHECK: dl.silu_grad %{{.*}}, %{{.*}} : tensor<?x5xf32>
  %4 = dl.silu_grad %3, %v : tensor<?x5xf32>
  // CHECK: dl.gelu_grad %{{.*}}, %{{.*}} : tensor<?x5xf32>
  %5 = dl.gelu_grad %4, %v : tensor<?x5xf32>
  // CHECK: dl.exponential_grad %{{.*}}, %{{.*}} : tensor<?x5xf32>
  %6 = dl.exponential_grad %5, %v : tensor<?x5xf32>
  // CHECK: dl.leaky_relu_grad %{{.*}}, %{{.*}} {alpha = 3.000000e-01 : f32} : tensor<?x5xf32>
  %7 = dl.leaky_relu_grad %6, %v {alpha = 0.3 : f32} : tensor<?x5xf32>
  // CHECK: dl.elu_grad %{{.*}}, %{{.*}} {alpha = 1.000000e+00 : f32} : tensor<?x5xf32>
  %8 = dl.elu_grad %7, %v {alpha = 1.0 : f32} : tensor<?x5xf32>
  // CHECK: dl.log_softmax_grad %{{.*}}, %{{.*}} : tensor<?x5xf32>
  %9 = dl.log_softmax_grad %8, %v : tensor<?x5xf32>
  return %9 : tensor<?x5xf32>
}
