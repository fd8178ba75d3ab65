#!/usr/bin/python3
"""Independent oracle for tests/engine/ops/accuracy/*_test.cpp.

Recomputes the worked examples of the papers directly from the papers' equations, in exact
rational arithmetic (fractions.Fraction), with square roots taken in 40-digit decimals at the
very end. It shares no code with the engine (written from the equations in docs/accuracy.md,
which cite the papers), so the constants it prints are an independent derivation, not a copy of
the engine's output. Run it to regenerate the expected values quoted in the C++ tests:

    /usr/bin/python3 tests/engine/ops/accuracy/paper_examples_oracle.py

Inputs (the papers' published inputs):
  * Olofsson et al. 2014, RSE 148:42-57, worked example / Table 8: sample counts, map areas in
    30 m pixels (200,000; 150,000; 3,200,000; 6,450,000).
  * Olofsson et al. 2013, RSE 129:122-131, example 1 (sample counts, map areas in pixels
    22,353; 1,122,543; 610,228) and example 2 (sample counts, map area proportions 0.007, 0.295,
    0.698; Table 6 according to the mapaccuracy R package).
  * Stehman 2014, IJRS 35:4923-4939, numerical example (40 units, 4 strata of
    40,000 / 30,000 / 20,000 / 10,000 pixels).
"""
from decimal import Decimal, getcontext
from fractions import Fraction as F
from statistics import NormalDist

getcontext().prec = 40
Z95 = NormalDist().inv_cdf(0.975)  # Wichura's AS241 in the standard library


def sqrt(q):
    return float((Decimal(q.numerator) / Decimal(q.denominator)).sqrt())


def olofsson(counts, areas):
    """Strata = map classes. counts[i][j]: units mapped i with reference j."""
    q = len(counts)
    A = sum(areas)
    W = [F(a) / A for a in areas]
    n = [sum(r) for r in counts]
    p = [[W[i] * F(counts[i][j], n[i]) for j in range(q)] for i in range(q)]
    col = [sum(p[i][j] for i in range(q)) for j in range(q)]
    O = sum(p[i][i] for i in range(q))
    U = [F(counts[i][i], n[i]) for i in range(q)]
    P = [p[j][j] / col[j] for j in range(q)]
    VO = sum(W[i] ** 2 * U[i] * (1 - U[i]) / (n[i] - 1) for i in range(q))
    VU = [U[i] * (1 - U[i]) / (n[i] - 1) for i in range(q)]
    Nj = [sum(F(areas[i]) / n[i] * counts[i][j] for i in range(q)) for j in range(q)]
    VP = []
    for j in range(q):
        t1 = F(areas[j]) ** 2 * (1 - P[j]) ** 2 * U[j] * (1 - U[j]) / (n[j] - 1)
        t2 = sum(F(areas[i]) ** 2 * F(counts[i][j], n[i]) * (1 - F(counts[i][j], n[i])) /
                 (n[i] - 1) for i in range(q) if i != j)
        VP.append((t1 + P[j] ** 2 * t2) / Nj[j] ** 2)
    Vp = [sum(W[i] ** 2 * F(counts[i][k], n[i]) * (1 - F(counts[i][k], n[i])) / (n[i] - 1)
              for i in range(q)) for k in range(q)]
    return dict(A=A, p=p, col=col, O=O, U=U, P=P, SO=sqrt(VO), SU=[sqrt(v) for v in VU],
                SP=[sqrt(v) for v in VP], Sp=[sqrt(v) for v in Vp])


def stehman(units, areas, counts_pop=None):
    """General stratified estimators. units: (stratum, map, ref); areas: {stratum: N_h}.
    counts_pop: {stratum: N_h} for the finite population correction, or None."""
    strata = sorted(areas)
    A = sum(F(areas[h]) for h in strata)
    by = {h: [u for u in units if u[0] == h] for h in strata}
    nh = {h: len(by[h]) for h in strata}
    fpc = {h: (1 - F(nh[h], counts_pop[h])) if counts_pop else F(1) for h in strata}

    def mean(h, f):
        return F(sum(f(u) for u in by[h]), nh[h])

    def cov(h, f, g):
        mf, mg = mean(h, f), mean(h, g)
        return sum((f(u) - mf) * (g(u) - mg) for u in by[h]) / (nh[h] - 1)

    def total(f):
        return sum(F(areas[h]) * mean(h, f) for h in strata)

    def prop(f):
        est = total(f) / A
        v = sum(F(areas[h]) ** 2 * fpc[h] * cov(h, f, f) / nh[h] for h in strata) / A ** 2
        return est, sqrt(v)

    def ratio(fy, fx):
        X = total(fx)
        R = total(fy) / X
        v = sum(F(areas[h]) ** 2 * fpc[h] *
                (cov(h, fy, fy) + R ** 2 * cov(h, fx, fx) - 2 * R * cov(h, fy, fx)) / nh[h]
                for h in strata) / X ** 2
        return R, sqrt(v)

    classes = sorted({u[1] for u in units} | {u[2] for u in units})
    out = dict(O=prop(lambda u: int(u[1] == u[2])))
    out["p"] = {k: prop(lambda u, k=k: int(u[2] == k)) for k in classes}
    out["U"] = {k: ratio(lambda u, k=k: int(u[1] == k and u[2] == k), lambda u, k=k: int(u[1] == k))
                for k in classes}
    out["P"] = {k: ratio(lambda u, k=k: int(u[1] == k and u[2] == k), lambda u, k=k: int(u[2] == k))
                for k in classes}
    out["cell"] = {(i, j): prop(lambda u, i=i, j=j: int(u[1] == i and u[2] == j))[0]
                   for i in classes for j in classes}
    return out


def units_from_counts(counts):
    return [(i, i, j) for i, row in enumerate(counts) for j, c in enumerate(row) for _ in range(c)]


def show_olofsson(name, counts, areas, unit_scale):
    r = olofsson(counts, areas)
    print(f"== {name}")
    print(f"O = {float(r['O']):.15g}  SE = {r['SO']:.15g}  CI95 = {Z95 * r['SO']:.15g}")
    for k in range(len(counts)):
        area = float(r['A'] * r['col'][k]) * unit_scale
        se = float(r['A']) * r['Sp'][k] * unit_scale
        print(f"class {k}: p = {float(r['col'][k]):.15g} SE(p) = {r['Sp'][k]:.15g}"
              f"  area = {area:.15g} SE = {se:.15g} CI95 = {Z95 * se:.15g}")
        print(f"   U = {float(r['U'][k]):.15g} SE = {r['SU'][k]:.15g} CI95 = {Z95 * r['SU'][k]:.15g}"
              f"   P = {float(r['P'][k]):.15g} SE = {r['SP'][k]:.15g} CI95 = {Z95 * r['SP'][k]:.15g}")
    print("p_ij:", [[f"{float(x):.6g}" for x in row] for row in r["p"]])
    # The same data through the general (Stehman 2014) estimators, no fpc: must agree.
    s = stehman(units_from_counts(counts), {i: a for i, a in enumerate(areas)})
    assert abs(float(s["O"][0] - r["O"])) < 1e-15 and abs(s["O"][1] - r["SO"]) < 1e-12
    for k in range(len(counts)):
        assert abs(s["p"][k][1] - r["Sp"][k]) < 1e-12
        assert abs(s["U"][k][1] - r["SU"][k]) < 1e-12
        assert abs(s["P"][k][1] - r["SP"][k]) < 1e-12, (k, s["P"][k][1], r["SP"][k])


def main():
    print(f"z(0.975) = {Z95!r}")
    # Olofsson et al. 2014, Table 8 (rows: map; columns: reference), map areas in pixels; 30 m
    # pixels = 900 m2. Classes: deforestation, forest gain, stable forest, stable non-forest.
    show_olofsson("Olofsson 2014 (areas in ha)",
                  [[66, 0, 5, 4], [0, 55, 8, 12], [1, 0, 153, 11], [2, 1, 9, 313]],
                  [200000 * 900, 150000 * 900, 3200000 * 900, 6450000 * 900], 1e-4)
    # Olofsson et al. 2013, example 1 (deforestation, forest, non-forest), map areas in pixels.
    show_olofsson("Olofsson 2013 example 1 (areas in pixels)",
                  [[97, 0, 3], [3, 279, 18], [2, 1, 97]], [22353, 1122543, 610228], 1.0)
    # Olofsson et al. 2013, example 2: map area proportions only.
    show_olofsson("Olofsson 2013 example 2 (area proportions)",
                  [[127, 66, 54], [2, 322, 17], [0, 15, 540]],
                  [F(7, 1000), F(295, 1000), F(698, 1000)], 1.0)
    # Stehman 2014: stratum, map class, reference class of each of the 40 units.
    s = ["A"] * 10 + ["B"] * 10 + ["C"] * 10 + ["D"] * 10
    m = list("AAAAAAABBB" "ABBBBBBBBB" "BBCCCCCCBB" "DDDDDDDDDD")
    r = list("AAAAACBABC" "ABBBBBAABB" "CCCCCDDBBA" "DDDDDDDCCB")
    units = list(zip(s, m, r))
    N = {"A": 40000, "B": 30000, "C": 20000, "D": 10000}
    for label, pop in (("with fpc", N), ("without fpc", None)):
        t = stehman(units, N, pop)
        print(f"== Stehman 2014 ({label})")
        print(f"O = {float(t['O'][0]):.15g} SE = {t['O'][1]:.15g}")
        for k in "ABCD":
            print(f"class {k}: p = {float(t['p'][k][0]):.15g} SE = {t['p'][k][1]:.15g}"
                  f"  U = {float(t['U'][k][0]):.15g} SE = {t['U'][k][1]:.15g}"
                  f"  P = {float(t['P'][k][0]):.15g} SE = {t['P'][k][1]:.15g}")
        print("p_BC =", float(t["cell"][("B", "C")]))


if __name__ == "__main__":
    main()
