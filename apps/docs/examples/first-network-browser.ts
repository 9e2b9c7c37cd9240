import { runge } from '@ffnn/datasets';
import { Sequential } from '@ffnn/layers';
import { Matrix } from '@ffnn/tensor';

const { x, y } = runge({ n: 1000, sigma: 0.05, seed: 1993 });
const net = Sequential.mlp({ inputSize: 1, hidden: [50, 50], activation: 'relu', outputSize: 1, loss: 'mse' });
const history = net.fit(x, y, { optimizer: 'adam', lr: 1e-2, epochs: 200, batchSize: 64 });
const at = net.predict(Matrix.column([-0.5, 0, 0.5])).data; // f(±0.5) ≈ 0.138, f(0) = 1
const text = `training MSE ${history.loss.at(-1)!.toExponential(3)}; ŷ(−0.5, 0, 0.5) = ${Array.from(at, (v) => v.toFixed(3)).join(', ')}`;
if (typeof document !== 'undefined') document.body.textContent = text;
else console.log(text);

export { history, at };
