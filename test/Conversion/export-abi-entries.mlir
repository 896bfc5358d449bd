// entries: only the listed entry points are built, and those a kept one
// calls (train_step calls train_step_metrics); what dlc train's JIT compiles.
// RUN: dl-opt %s --dl-train-pipeline --dl-export-abi="prefix=t entries=eval_step,init_params" | FileCheck %s --check-prefix=EVAL --implicit-check-not=func.func
// RUN: dl-opt %s --dl-train-pipeline --dl-export-abi="prefix=t entries=train_step" | FileCheck %s --check-prefix=STEP --implicit-check-not=func.func
// RUN: dl-opt %s --dl-train-pipeline --dl-export-abi=prefix=t | FileCheck %s --check-prefix=ALL

func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"},
                   %w: tensor<3x2xf32> {dl.param = "dense.kernel"}) -> tensor<?x2xf32> {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
  %0 = dl.random_uniform %seed {stream = 0 : i64, low = -0.5 : f32, high = 0.5 : f32} : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
func.func @loss(%x: tensor<?x3xf32> {dl.input = "x"}, %y: tensor<?x2xf32> {dl.targets},
                %w: tensor<3x2xf32> {dl.param = "dense.kernel"}) -> tensor<f32>
    attributes {dl.gradient = "gradients", dl.train_step = "train_step",
                dl.optimizer = #dl.sgd<learning_rate = 0.1, momentum = 0.9, nesterov = false>} {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %1 = dl.mean_squared_error %0, %y : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// EVAL-DAG: func.func @t_init_params({{.*}} attributes {dl.entry = "init_params"}
// EVAL-DAG: func.func @t_eval_step({{.*}} attributes {dl.entry = "eval_step"}

// STEP-DAG: func.func @t_train_step_metrics({{.*}} attributes {dl.entry = "train_step_metrics"}
// STEP-DAG: func.func @t_train_step({{.*}} attributes {dl.entry = "train_step"}
// STEP-DAG: call @t_train_step_metrics(

// Without entries, all of them (dlc -o's object).
// ALL-DAG: func.func @t_predict(
// ALL-DAG: func.func @t_init_params(
// ALL-DAG: func.func @t_gradients(
// ALL-DAG: func.func @t_train_step_metrics(
// ALL-DAG: func.func @t_train_step(
// ALL-DAG: func.func @t_opt_state_size(
// ALL-DAG: func.func @t_init_opt_state(
// ALL-DAG: func.func @t_train_gradients(
// ALL-DAG: func.func @t_apply_gradients(
// ALL-DAG: func.func @t_eval_step(
// ALL-DAG: func.func @t_input_gradient(
