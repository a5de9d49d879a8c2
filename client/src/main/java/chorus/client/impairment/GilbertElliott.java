package chorus.client.impairment;

/**
 * Burst loss: the Gilbert-Elliott two-state channel. In the good state a datagram is lost with
 * {@code lossInGood}, in the bad state with {@code lossInBad}; after each datagram the channel
 * goes bad with {@code goodToBad} and good again with {@code badToGood}, so bad spells last
 * {@code 1 / badToGood} datagrams on average and losses come in runs.
 */
public record GilbertElliott(double goodToBad, double badToGood, double lossInGood, double lossInBad) {
    public GilbertElliott {
        for (double p : new double[] {goodToBad, badToGood, lossInGood, lossInBad}) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("Gilbert-Elliott parameters are probabilities (0..1): " + this);
            }
        }
        if (badToGood == 0) {
            throw new IllegalArgumentException("badToGood must be above 0, or the channel never recovers");
        }
    }

    /**
     * Bursts that lose {@code rate} of all datagrams in runs of {@code meanBurst} on average:
     * everything is lost in the bad state, nothing in the good one.
     */
    public static GilbertElliott bursts(double rate, double meanBurst) {
        if (!(rate > 0 && rate < 1) || meanBurst < 1) {
            throw new IllegalArgumentException("a loss rate in (0,1) and a mean burst of at least 1 datagram");
        }
        double badToGood = 1 / meanBurst;
        // The stationary share of the bad state, goodToBad / (goodToBad + badToGood), is the loss rate.
        double goodToBad = rate * badToGood / (1 - rate);
        return new GilbertElliott(goodToBad, badToGood, 0, 1);
    }

    /** The long-run share of datagrams lost. */
    public double lossRate() {
        double bad = goodToBad / (goodToBad + badToGood);
        return bad * lossInBad + (1 - bad) * lossInGood;
    }
}
