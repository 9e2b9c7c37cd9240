import { mse, runge, takeRows, trainTestSplit } from '@ffnn/datasets';
import { Sequential } from '@ffnn/layers';

const { x, y, f } = runge({ n: 1000, sigma: 0.05, seed: 1993 }); // y = f(x) + noise, f clean
const { train, test } = trainTestSplit(x.rows, { testFraction: 0.2, seed: 1993 });
const net = Sequential.mlp({ inputSize: 1, hidden: [50, 50], activation: 'relu', outputSize: 1, loss: 'mse', seed: 1993 });
const history = net.fit(takeRows(x, train), takeRows(y, train), { optimizer: 'adam', lr: 1e-2, epochs: 200, batchSize: 64 });
const yhat = net.predict(takeRows(x, test));
console.log(`final training MSE ${history.loss.at(-1)!.toExponential(3)} after ${history.loss.length} epochs`);
console.log(`test MSE ${mse(takeRows(y, test), yhat).toExponential(3)} against the noisy y, ${mse(takeRows(f, test), yhat).toExponential(3)} against the clean f`);

export { history, yhat };
