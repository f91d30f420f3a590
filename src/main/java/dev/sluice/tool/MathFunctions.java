package dev.sluice.tool;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** The calculator's functions, and how its numbers are shown. Stateless. */
final class MathFunctions {
  private MathFunctions() {}

  /** The function names, sorted for messages. */
  static final SortedSet<String> NAMES =
      new TreeSet<>(
          List.of(
              "sqrt", "abs", "ln", "log10", "sin", "cos", "tan", "min", "max", "round", "floor",
              "ceil"));

  /**
   * Significant digits shown: every decimal number with at most 15 digits survives the round trip
   * through a double (DBL_DIG), so showing no more hides representation noise and nothing else.
   */
  private static final MathContext SHOWN = new MathContext(15, RoundingMode.HALF_EVEN);

  /**
   * Applies function {@code name} (one of {@link #NAMES}) to at least one argument.
   *
   * @return the result, possibly NaN or infinite, which the caller refuses
   * @throws IllegalArgumentException for a wrong number or kind of arguments, with the message
   */
  static double apply(String name, List<Double> args) {
    int count = args.size();
    boolean variadic = name.equals("min") || name.equals("max");
    boolean rounding = name.equals("round");
    if (!variadic && count > (rounding ? 2 : 1)) {
      throw new IllegalArgumentException(
          name
              + (rounding
                  ? " takes one or two arguments: round(x) or round(x, digits)"
                  : " takes one argument")
              + ", not "
              + count);
    }
    double x = args.get(0);
    return switch (name) {
      case "sqrt" -> Math.sqrt(x);
      case "abs" -> Math.abs(x);
      case "ln" -> Math.log(x);
      case "log10" -> Math.log10(x);
      case "sin" -> Math.sin(x);
      case "cos" -> Math.cos(x);
      case "tan" -> Math.tan(x);
      case "floor" -> Math.floor(x);
      case "ceil" -> Math.ceil(x);
      case "min" -> args.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      case "max" -> args.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      case "round" -> round(x, count == 2 ? args.get(1) : 0);
      default -> throw new IllegalStateException("not a function: " + name);
    };
  }

  /**
   * Rounds half away from zero, on the shortest decimal form of {@code x}, so that round(2.675, 2)
   * is 2.68 as a person expects, although the double nearest 2.675 is slightly below it.
   */
  private static double round(double x, double digits) {
    if (digits != Math.rint(digits) || Math.abs(digits) > 100) {
      throw new IllegalArgumentException("round's digits must be a whole number from -100 to 100");
    }
    return BigDecimal.valueOf(x).setScale((int) digits, RoundingMode.HALF_UP).doubleValue();
  }

  /**
   * A result as the model should see it: at most 15 significant digits, no trailing zeros, integers
   * without a decimal point, scientific notation ({@code 1.5E+20}) only for very large or very
   * small magnitudes.
   */
  static String format(double value) {
    if (value == 0) {
      return "0"; // also for -0, which means nothing to a reader
    }
    BigDecimal shown = new BigDecimal(value).round(SHOWN).stripTrailingZeros();
    int exponent = shown.precision() - shown.scale() - 1;
    return exponent >= -6 && exponent < 15 ? shown.toPlainString() : shown.toString();
  }
}
