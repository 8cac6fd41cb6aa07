/**
 * The three second moments the risk formula needs (theory.md section 2):
 * Omega = E[phi phi^T], psi = E[phi y], sigma2 = E[y^2], from the layer recursion of the student
 * and the cross moments with the target (theory.md sections 4 and 5).
 */
import type { Matrix } from '../linalg/matrix';
import { matVec, multiply, multiplyTransposed, scaleColumns, scaleRows, transposeGram, transposeMatVec } from '../linalg/products';
import { exactCrossMomentInPlace, type GaussianNeurons } from './exactMoments';
import { centredCrossMoment } from './gaussian';
import { covarianceTimesVector, crossCongruence, quadraticForm, timesCovariance, toDense } from './covariance';
import { sharesRandomness } from './dependencies';
import { LayerCovariance } from './layerCovariance';
import { linearizeLayer, type LayerLinearization } from './linearization';
import { teacherBeta, teacherReadout } from './readouts';
import { linearShare } from './validity';
import type { Covariance, ExperimentModel, LayerModel } from './types';
import type { WeightTable } from './weights';

export interface FeatureMoments {
  /** Omega_l of every student layer (the last one is Omega). */
  layerCovariances: LayerCovariance[];
  student: LayerLinearization[];
  teacher: LayerLinearization[];
  psi: Float64Array;
  sigma2: number;
  noiseVariance: number;
  /** Omega_0, as the recursion used it. */
  inputCovariance: Covariance;
  /** Data targets: share of E[y^2] explained by the best linear function of the input (model/validity.ts). */
  linearTargetShare?: number;
}

export function inputCovariance(model: ExperimentModel): Covariance {
  if (model.inputSamples) {
    const x = model.inputSamples;
    const c = transposeGram(x); // X^T X
    for (let i = 0; i < c.data.length; i++) c.data[i] = (c.data[i] as number) / x.rows;
    return { kind: 'dense', matrix: c };
  }
  return model.inputCovariance;
}

export function computeMoments(model: ExperimentModel, weights: WeightTable): FeatureMoments {
  const omega0 = inputCovariance(model);
  const layerCovariances: LayerCovariance[] = [];
  const student: LayerLinearization[] = [];
  let previous: Covariance | LayerCovariance = omega0;
  for (const layer of model.student) {
    // A widening layer's Omega stays factored: its spectrum comes from the fan-in sized problem and
    // the next layer multiplies through the factors (model/layerCovariance.ts); it is formed only
    // if something needs the matrix itself.
    const { omega, layer: lin } = linearizeLayer(layer, weightsOf(weights, layer), previous, layer.width <= layer.fanIn);
    layerCovariances.push(omega);
    student.push(lin);
    previous = omega;
  }
  const omegaL = layerCovariances[layerCovariances.length - 1] as LayerCovariance;
  const target = model.target;
  const noiseVariance = target.kind === 'data' ? 0 : target.noise * target.noise;

  switch (target.kind) {
    case 'linear': {
      const beta = teacherBeta(model.seed, target.beta, model.dimension);
      const psi0 = covarianceTimesVector(omega0, beta);
      const psi = propagateVector(psi0, model.student, student, weights);
      return { layerCovariances, student, teacher: [], psi, sigma2: quadraticForm(omega0, beta) + noiseVariance, noiseVariance, inputCovariance: omega0 };
    }
    case 'data': {
      const x = model.inputSamples as Matrix;
      const y = target.labels;
      const psi0 = transposeMatVec(x, y).map((v) => v / x.rows);
      let sigma2 = 0;
      for (let i = 0; i < y.length; i++) sigma2 += (y[i] as number) ** 2;
      sigma2 /= y.length;
      const psi = propagateVector(psi0, model.student, student, weights);
      const linearTargetShare = linearShare(toDense(omega0), psi0, sigma2);
      return { layerCovariances, student, teacher: [], psi, sigma2, noiseVariance: 0, inputCovariance: omega0, linearTargetShare };
    }
    case 'student': {
      const p = omegaL.size;
      const theta = teacherReadout(model.seed, target.readout, p);
      const psi = omegaL.times(theta); // psi = Omega theta, sigma2 = theta^T Omega theta + s^2
      let sigma2 = noiseVariance;
      for (let i = 0; i < p; i++) sigma2 += (theta[i] as number) * (psi[i] as number);
      return { layerCovariances, student, teacher: [], psi, sigma2, noiseVariance, inputCovariance: omega0 };
    }
    case 'network': {
      const cross = teacherNetworkMoments(model, target.layers, weights, omega0, student);
      const k = target.layers[target.layers.length - 1]?.width ?? model.dimension;
      const theta = teacherReadout(model.seed, target.readout, k);
      return {
        layerCovariances,
        student,
        teacher: cross.teacher,
        psi: matVec(cross.phi, theta),
        sigma2: quadraticForm(cross.psiCovariance, theta) + noiseVariance,
        noiseVariance,
        inputCovariance: omega0,
      };
    }
  }
}

function weightsOf(weights: WeightTable, layer: LayerModel): Matrix {
  const w = weights.get(layer.id);
  if (!w) throw new Error(`weights of layer "${layer.id}" were not realised`);
  return w;
}

/** psi_l = D_l W_l psi_{l-1} through every student layer (theory.md section 5). */
function propagateVector(psi0: Float64Array, layers: LayerModel[], lins: LayerLinearization[], weights: WeightTable): Float64Array {
  let psi = psi0;
  layers.forEach((layer, l) => {
    const next = matVec(weightsOf(weights, layer), psi);
    const gain = (lins[l] as LayerLinearization).gain;
    for (let i = 0; i < next.length; i++) next[i] = (next[i] as number) * (gain[i] as number);
    psi = next;
  });
  return psi;
}

/**
 * Teacher network: its own covariance Psi by the same recursion as Omega, and the student-teacher
 * cross covariance Phi_l = E[phi_l phi*_l^T] (theory.md section 5):
 *   paired layers:   Phi_l = D_l W_l Phi_{l-1} V_l^T D~_l + diag(kappaCheck2)   (identity term only
 *                    when W_l and V_l share randomness, i.e. correlated rows)
 *   student deeper:  Phi_l = D_l W_l Phi_{l-1};   teacher deeper: Phi_l = Phi_{l-1} V_l^T D~_l.
 */
function teacherNetworkMoments(
  model: ExperimentModel,
  teacherLayers: LayerModel[],
  weights: WeightTable,
  omega0: Covariance,
  student: LayerLinearization[],
): { phi: Matrix; psiCovariance: Covariance; teacher: LayerLinearization[] } {
  const byId = new Map<string, LayerModel>([...model.student, ...teacherLayers].map((l) => [l.id, l]));
  const teacher: LayerLinearization[] = [];
  let psiCov: Covariance = omega0;
  for (const layer of teacherLayers) {
    const { omega, layer: lin } = linearizeLayer(layer, weightsOf(weights, layer), psiCov);
    teacher.push(lin);
    psiCov = { kind: 'dense', matrix: omega.matrix() };
  }

  // Phi_0 = Omega_0, kept in its cheap form until the first product.
  let phi: Covariance | Matrix = omega0;
  const asMatrixProduct = (w: Matrix, c: Covariance | Matrix): Matrix => ('kind' in c ? timesCovariance(w, c) : multiply(w, c));
  const depth = Math.max(model.student.length, teacherLayers.length);
  for (let l = 0; l < depth; l++) {
    const s = model.student[l];
    const t = teacherLayers[l];
    if (s && t) {
      const sLin = student[l] as LayerLinearization;
      const tLin = teacher[l] as LayerLinearization;
      const ws = weightsOf(weights, s);
      const vt = weightsOf(weights, t);
      const a: Matrix = 'kind' in phi ? crossCongruence(ws, phi, vt) : multiplyTransposed(multiply(ws, phi), vt);
      if (s.moments === 'exact' && t.moments === 'exact') {
        // Every entry is the Gaussian cross moment itself; the correlated-layer identity term is
        // part of it (theory.md section 5b).
        exactCrossMomentInPlace(a, neuronsOf(s, sLin), neuronsOf(t, tLin));
        phi = a;
        continue;
      }
      const next = scaleColumns(scaleRows(a, sLin.gain), tLin.gain);
      if (s.width === t.width && sharesRandomness(s, t, byId)) addCorrelatedIdentityTerm(next, a, s, t, sLin, tLin);
      phi = next;
    } else if (s) {
      phi = scaleRows(asMatrixProduct(weightsOf(weights, s), phi), (student[l] as LayerLinearization).gain);
    } else if (t) {
      const vt = weightsOf(weights, t);
      const left: Matrix = 'kind' in phi ? toDense(phi) : phi;
      phi = scaleColumns(multiplyTransposed(left, vt), (teacher[l] as LayerLinearization).gain);
    }
  }
  const phiMatrix = 'kind' in phi ? toDense(phi) : phi;
  return { phi: phiMatrix, psiCovariance: psiCov, teacher };
}

function neuronsOf(layer: LayerModel, lin: LayerLinearization): GaussianNeurons {
  return { activation: layer.activation, variances: lin.variances, centring: lin.centring };
}

/**
 * kappaCheck2_i = E[sigma(N_i) sigma*(M_i)] - c_i kappa1_i kappaTilde1_i (centred activations), with
 * c_i = (W Phi V^T)_ii; the average linearisation uses the neuron-averaged c and variances.
 */
function addCorrelatedIdentityTerm(
  phi: Matrix,
  a: Matrix,
  s: LayerModel,
  t: LayerModel,
  sLin: LayerLinearization,
  tLin: LayerLinearization,
): void {
  const k = phi.rows;
  const perNeuron = s.linearization === 'perNeuron' || t.linearization === 'perNeuron';
  if (!perNeuron) {
    let c = 0;
    for (let i = 0; i < k; i++) c += a.data[i * k + i] as number;
    c /= k;
    const r = sLin.preactivationVariance;
    const rt = tLin.preactivationVariance;
    const check = centredCrossMoment(s.activation, t.activation, r, rt, clampCovariance(c, r, rt)) - c * sLin.kappa1 * tLin.kappa1;
    for (let i = 0; i < k; i++) phi.data[i * k + i] = (phi.data[i * k + i] as number) + check;
    return;
  }
  for (let i = 0; i < k; i++) {
    const c = a.data[i * k + i] as number;
    const r = sLin.variances[i] as number;
    const rt = tLin.variances[i] as number;
    const check = centredCrossMoment(s.activation, t.activation, r, rt, clampCovariance(c, r, rt)) - c * (sLin.gain[i] as number) * (tLin.gain[i] as number);
    phi.data[i * k + i] = (phi.data[i * k + i] as number) + check;
  }
}

/** |c| <= sqrt(r rt) holds mathematically; rounding can exceed it for identical layers. */
function clampCovariance(c: number, r: number, rt: number): number {
  const bound = Math.sqrt(r * rt);
  return Math.max(-bound, Math.min(bound, c));
}
