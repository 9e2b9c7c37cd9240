export type { Optimizer, OptimizerName, OptimizerState, SlotState } from './types.js';
export { SGD, type SGDOptions, type SGDHyper } from './sgd.js';
export { AdaGrad, type AdaGradOptions, type AdaGradHyper } from './adagrad.js';
export { RMSprop, type RMSpropOptions, type RMSpropHyper } from './rmsprop.js';
export { Adam, adamStep, adamScalars, type AdamOptions, type AdamHyper, type AdamScalars } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { createOptimizer, OPTIMIZER_NAMES, type OptimizerOptionsMap } from './create.js';
export {
  createSchedule,
  SCHEDULE_NAMES,
  type Schedule,
  type ScheduleName,
  type ScheduleOptionsMap,
  type ConstantScheduleOptions,
  type StepScheduleOptions,
  type ExponentialScheduleOptions,
  type CosineScheduleOptions,
} from './schedule.js';
export { PlateauSchedule, type PlateauScheduleOptions } from './plateau.js';
export { parseSchedule, SCHEDULE_SPEC_FORMS } from './parse-schedule.js';
