import { BOOK_EPS } from "../../optim/adagrad.js";
import { decayConstants, shrinkFor } from "../../optim/decay.js";
import type { FloatArray, Optimizer, OptimizerState } from "../../optim/types.js";
import type { KernelExports } from "./wasm-kernels.js";

type FastStep = (params: Float32Array, grads: Float32Array, state: OptimizerState) => void;

/**
 * SIMD float32 steps for the optimizers that have one in the kernel module, with the hyperparameters
 * of `optimizer`. They compute the same formulas as src/optim (float32 arithmetic instead of float64
 * arithmetic rounded to float32 on store). `null` when the optimizer or a flag has no kernel. Every
 * array must live in the kernels' memory.
 */
export function simdStep(kernels: KernelExports, optimizer: Optimizer): FastStep | null {
  const hp = optimizer.hp;
  // The learning rate (and torch Adam's β₁) come from the state, where a schedule may have changed them.
  const lr = (s: OptimizerState) => s.lr as number;
  const ptr = (array: FloatArray) => array.byteOffset;
  switch (optimizer.id) {
    case "sgd":
      return (p, g, s) => kernels.sgd_f32(ptr(p), ptr(g), p.length, lr(s));
    case "momentum":
      return (p, g, s) =>
        kernels.momentum_f32(ptr(p), ptr(g), ptr(s.v as FloatArray), p.length, lr(s), hp.momentum as number);
    case "nesterov":
      return (p, g, s) =>
        kernels.nesterov_f32(ptr(p), ptr(g), ptr(s.v as FloatArray), p.length, lr(s), hp.momentum as number);
    case "adagrad":
      return (p, g, s) =>
        kernels.adagrad_f32(ptr(p), ptr(g), ptr(s.h as FloatArray), p.length, lr(s), BOOK_EPS);
    case "rmsprop":
      return (p, g, s) =>
        kernels.rmsprop_f32(
          ptr(p),
          ptr(g),
          ptr(s.h as FloatArray),
          p.length,
          lr(s),
          hp.rho as number,
          BOOK_EPS,
        );
    case "adam": {
      const beta1 = hp.beta1 as number;
      const beta2 = hp.beta2 as number;
      return (p, g, s) => {
        const t = ((s.t as number) += 1);
        const lrT = (lr(s) * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
        kernels.adam_book_f32(
          ptr(p),
          ptr(g),
          ptr(s.m as FloatArray),
          ptr(s.v as FloatArray),
          p.length,
          lrT,
          1 - beta1,
          1 - beta2,
          BOOK_EPS,
        );
      };
    }
    case "torch-adam":
    case "adamw": {
      if (hp.amsgrad === true) return null;
      const beta2 = hp.beta2 as number;
      const eps = hp.eps as number;
      const decay = decayConstants(hp, optimizer.id === "adamw");
      const { sign, coupled } = decay;
      return (p, g, s) => {
        const beta1 = s.beta1 as number;
        const shrink = shrinkFor(decay, lr(s));
        const t = ((s.t as number) += 1);
        const negativeStepSize = -(lr(s) / (1 - beta1 ** t));
        const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
        kernels.adam_torch_f32(
          ptr(p),
          ptr(g),
          ptr(s.m as FloatArray),
          ptr(s.v as FloatArray),
          p.length,
          sign,
          coupled,
          shrink,
          1 - beta1,
          beta2,
          1 - beta2,
          negativeStepSize,
          bc2Sqrt,
          eps,
        );
      };
    }
    default:
      return null;
  }
}
