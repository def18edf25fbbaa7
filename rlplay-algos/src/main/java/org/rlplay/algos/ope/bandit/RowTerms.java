package org.rlplay.algos.ope.bandit;

/**
 * The per-row terms of one estimator on one evaluation, computed on the fly from the evaluation's
 * shared arrays (nothing per estimator is materialised). Every estimator here has the form
 * <pre>
 *   V = (1/n) sum_i base_i  +  (sum_i num_i) / (sum_i den_i)
 * </pre>
 * where the second part is absent ({@link #ratio} false) for the sample-mean estimators and
 * {@code den_i = w_i} for the self-normalised ones (0 / 0 counts as 0: a target that gives every
 * logged action probability 0 gets no correction from the log). Row weights {@code c_i} (a
 * bootstrap's multiplicities) enter as {@code sum c_i base_i / sum c_i + sum c_i num_i / sum c_i den_i}.
 * Used by one thread at a time.
 */
final class RowTerms {
    enum Form { DM, IPS, CLIPPED_IPS, SNIPS, DR, SNDR, SWITCH_DR }

    final int rows;
    final boolean ratio;
    private final Form form;
    private final double parameter;
    private final double[] reward;
    private final double[] weight;
    private final double[] modelValue;
    private final double[] modelFactual;

    RowTerms(Form form, double parameter, BanditEvaluation e) {
        this.form = form;
        this.parameter = parameter;
        this.rows = e.log().size();
        this.ratio = form == Form.SNIPS || form == Form.SNDR;
        this.reward = e.log().rewardArray();
        this.weight = e.weightArray();
        this.modelValue = e.modelValueArray();
        this.modelFactual = e.modelFactualArray();
    }

    /** The sample-mean part of row {@code i}. */
    double base(int i) {
        switch (form) {
            case DM:
            case SNDR:
                return modelValue[i];
            case IPS:
                return weight[i] * reward[i];
            case CLIPPED_IPS:
                return Math.min(weight[i], parameter) * reward[i];
            case SNIPS:
                return 0;
            case DR:
                return modelValue[i] + weight[i] * (reward[i] - modelFactual[i]);
            case SWITCH_DR:
                return weight[i] <= parameter ? modelValue[i] + weight[i] * (reward[i] - modelFactual[i]) : modelValue[i];
            default:
                throw new AssertionError(form);
        }
    }

    /** The numerator of the self-normalised part of row {@code i} (ratio forms only). */
    double num(int i) {
        return form == Form.SNIPS ? weight[i] * reward[i] : weight[i] * (reward[i] - modelFactual[i]);
    }

    /** The denominator of the self-normalised part of row {@code i} (ratio forms only). */
    double den(int i) {
        return weight[i];
    }

    /** The estimate with every row weighted 1. */
    double value() {
        double sumBase = 0;
        double sumNum = 0;
        double sumDen = 0;
        if (ratio) {
            for (int i = 0; i < rows; i++) {
                sumBase += base(i);
                sumNum += num(i);
                sumDen += den(i);
            }
        } else {
            for (int i = 0; i < rows; i++) {
                sumBase += base(i);
            }
        }
        return combine(rows, sumBase, sumNum, sumDen);
    }

    /** {@code sumBase / count + sumNum / sumDen}, with 0 / 0 = 0 in the second part. */
    static double combine(double count, double sumBase, double sumNum, double sumDen) {
        return sumBase / count + (sumDen != 0 ? sumNum / sumDen : 0);
    }
}
