import { makeActivation, ActivationName } from './server/src/core/model/activations';
import { hermiteCoefficients, quadratureHermiteCoefficients, centredCrossMoment } from './server/src/core/model/gaussian';
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));
let worst = 0;
for (const name of ['relu', 'sign', 'erf', 'sin', 'linear'] as ActivationName[]) {
  for (const g of [1, -0.7, 3, 30, 300]) for (const r of [1e-6, 1e-3, 0.1, 1, 7, 100]) {
    const s = g * Math.sqrt(r);
    if (name === 'sin' && Math.abs(s) > 50) continue;
    const act = makeActivation(name, g);
    const e = hermiteCoefficients(act, r), q = quadratureHermiteCoefficients(act, r);
    const errs = ['kappa0', 'kappa1', 'secondMoment', 'kappaStar2', 'centredSecondMoment'].map(k => {
      const a = (q as any)[k], b = (e as any)[k];
      const scale = k === 'kappa0' ? Math.max(Math.abs(b), Math.sqrt(e.secondMoment)) : Math.abs(b);
      return b === 0 ? Math.abs(a) / Math.sqrt(e.secondMoment || 1) : Math.abs(a - b) / scale;
    });
    const m = Math.max(...errs); if (m > worst) worst = m;
    if (m > 1e-13) console.log(name, g, r, errs.map(x => x.toExponential(1)).join(' '));
  }
}
console.log('worst', worst);
// gelu closed forms kappa0 = s^2/sqrt(2pi(1+s^2)), kappa1 = g/2
for (const g of [1, -0.7, 3, 30, 1000]) for (const r of [1e-6, 1e-3, 0.1, 1, 7, 100]) {
  const s = g * Math.sqrt(r);
  const q = hermiteCoefficients(makeActivation('gelu', g), r);
  const k0 = s * s / Math.sqrt(2 * Math.PI * (1 + s * s));
  const e0 = rel(q.kappa0, k0), e1 = rel(q.kappa1, g / 2);
  if (Math.max(e0, e1) > 1e-14) console.log('gelu', g, r, e0, e1);
}
// sigmoid vs tanh identity
for (const g of [1, 2, 40]) for (const r of [1e-4, 1, 9]) {
  const sg = hermiteCoefficients(makeActivation('sigmoid', g), r), th = hermiteCoefficients(makeActivation('tanh', g / 2), r);
  console.log('sig', g, r, rel(sg.kappa0, 0.5), rel(sg.kappa1, th.kappa1 / 2), rel(sg.kappaStar2, th.kappaStar2 / 4));
}
const t = hermiteCoefficients(makeActivation('tanh'), 1); console.log(t);
// timing
const acts = ['tanh', 'gelu', 'softplus'].map(n => makeActivation(n as ActivationName));
for (const act of acts) {
  let x = 0; const t0 = performance.now();
  for (let i = 0; i < 5000; i++) x += hermiteCoefficients(act, 0.5 + i / 5000).kappa1;
  console.log(act.name, ((performance.now() - t0) / 5000 * 1000).toFixed(2), 'us/call', x > 0);
}
const t0 = performance.now();
for (let i = 0; i < 20; i++) centredCrossMoment(makeActivation('tanh'), makeActivation('softplus'), 1, 4, 1.5);
console.log('2D cross', ((performance.now() - t0) / 20).toFixed(2), 'ms');
const t1 = performance.now();
for (let i = 0; i < 200; i++) centredCrossMoment(makeActivation('tanh'), makeActivation('relu'), 1, 4, 1.5);
console.log('1D cross', ((performance.now() - t1) / 200 * 1000).toFixed(2), 'us');
