/** Optimizers with PyTorch's update rules and option names (camelCase). */
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions, AdamW } from './adam.js';
export {
  Optimizer,
  type OptimizerState,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamsInput,
} from './optimizer.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { SGD, type SGDOptions } from './sgd.js';
