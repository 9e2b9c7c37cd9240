/** @ffnn/linear-models: OLS, Ridge, Lasso, gradient-descent fits and multinomial logistic regression. */
export { LinearRegressor, type LinearRegressorJSON } from './base.js';
export { LinearRegression, type LinearRegressionOptions } from './ols.js';
export { Ridge, type RidgeOptions } from './ridge.js';
export { Lasso, lassoPath, coordinateDescent, type LassoOptions, type LassoSelection, type LassoPath, type CoordinateDescentResult } from './lasso.js';
export { LinearGD, fitLinearGD, type LinearGDOptions, type GDHistory } from './gd.js';
export { LogisticRegression, type LogisticRegressionOptions, type LogisticRegressionJSON, type ClassLabels } from './logistic.js';
export { lbfgs, type LbfgsOptions, type LbfgsResult, type ObjectiveWithGradient } from './lbfgs.js';
export { svd, lstsq, solveSvd, defaultRcond, type ThinSvd } from './linalg.js';
