import { describe, expect, it } from "vitest";
import { besselI0, kaiserWindow, smoothCurve } from "../src/lab/smooth.js";

// Reference values computed once with Python 3 / numpy 2.4.6 (the book's own code):
//   w = np.kaiser(11, 2); w / w.sum()
//   def smooth_curve(x):
//       window_len = 11
//       s = np.r_[x[window_len-1:0:-1], x, x[-1:-window_len:-1]]
//       w = np.kaiser(window_len, 2)
//       y = np.convolve(w/w.sum(), s, mode='valid')
//       return y[5:len(y)-5]
const KAISER_11_2 = [
  0.4386762798370488, 0.6113943543616491, 0.7676749968275236, 0.8921614338542881, 0.9723298008693713, 1,
  0.9723298008693713, 0.8921614338542881, 0.7676749968275236, 0.6113943543616491, 0.4386762798370488,
];

function expectClose(actual: ArrayLike<number>, expected: readonly number[], relative = 1e-13): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(
      relative * Math.max(1, Math.abs(expected[i])),
    );
  }
}

describe("smoothCurve (the book's smooth_curve)", () => {
  it("computes I0 from its series: I0(0) = 1 and I0(2) = 2.2795853023360673", () => {
    // I0(2) = Σ (1/k!)² = 1 + 1 + 1/4 + 1/36 + 1/576 + … = 2.2795853023360673 (scipy.special.i0(2)).
    expect(besselI0(0)).toBe(1);
    // Exact rational sum to 40 terms (Python fractions), within 2 ulp.
    expect(Math.abs(besselI0(2) - 2.2795853023360673)).toBeLessThanOrEqual(2 * Number.EPSILON * 2.28);
  });

  it("builds the same Kaiser window as np.kaiser(11, 2)", () => {
    expectClose(kaiserWindow(11, 2), KAISER_11_2, 1e-15);
  });

  it("matches numpy on a 15-point curve, mirror padding and all", () => {
    const x = [1.0, 0.5, 0.25, 2.0, 3.0, 0.0, 1.5, 4.0, 0.75, 2.5, 1.0, 0.125, 3.5, 0.0, 2.0];
    expectClose(
      smoothCurve(x),
      [
        1.0948060721131054, 1.1522053691325145, 1.235619342821032, 1.281047831608721, 1.47605802261727,
        1.579019045380673, 1.581435737455937, 1.7255233430832309, 1.7033854113569222, 1.6634040462218642,
        1.6058373831493178, 1.5743219356596556, 1.6141100217818145, 1.4422353643298167, 1.4433941093446774,
      ],
    );
  });

  it("matches numpy on x = i²/10 for i < 20, where the edges bend the parabola", () => {
    const x = Array.from({ length: 20 }, (_, i) => (i * i) / 10);
    expectClose(
      smoothCurve(x),
      [
        0.7699053929044612, 0.8699053929044611, 1.1699053929044614, 1.6699053929044612, 2.369905392904461,
        3.2699053929044615, 4.369905392904461, 5.669905392904462, 7.16990539290446, 8.86990539290446,
        10.76990539290446, 12.86990539290446, 15.169905392904463, 17.66990539290446, 20.36990539290446,
        23.065369214504894, 25.471229552989293, 27.43408823443179, 28.82303545563728, 29.542649345322047,
      ],
    );
  });

  it("follows numpy's slicing for curves shorter than the window", () => {
    // len 10: the padding slices shrink; numpy returns 9 values. len 5: numpy returns none.
    expectClose(
      smoothCurve([0.3, 0.9, 0.1, 0.7, 0.2, 0.8, 0.4, 0.6, 0.5, 1.0]),
      [
        0.49339505932880656, 0.5120265029663735, 0.5052371865455467, 0.5473970599500266, 0.5661732383556525,
        0.5950766253645847, 0.6029003355037003, 0.6305705230575391, 0.6431841324555995,
      ],
    );
    expect(smoothCurve([1, 2, 0.5, 3, 1.5]).length).toBe(0);
    expectClose(
      smoothCurve([2.0, 1.0, 0.5, 0.25, 0.125, 1.0, 2.0, 0.0, 1.0, 3.0, 0.5]),
      [
        0.7473105760056603, 0.8036672026117978, 0.8111401225393043, 0.8347372445423824, 0.9477439070828082,
        0.9543961824553573, 0.9253856460344531, 1.0711187629776862, 1.1665836372842535, 1.1979921233221502,
        1.2885798831469766,
      ],
    );
  });

  it("leaves a constant curve constant", () => {
    const y = smoothCurve(new Array(30).fill(0.25));
    for (const value of y) expect(Math.abs(value - 0.25)).toBeLessThan(1e-15);
  });
});
