package dev.sluice.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generates random expression trees, prints each with only the parentheses the calculator's
 * precedence and associativity rules need (plus some redundant ones and random spacing), and checks
 * that {@link Calculator} gives bit for bit the value the tree itself computes, or fails exactly
 * when the tree's evaluation meets a division by zero or a non-finite result. A wrong precedence,
 * associativity or sign rule changes the value. Replay a failure with {@code -Dsluice.seed=<seed>}.
 */
class CalculatorPropertyTest {
  private static final int CASES = 2_000;
  private static final long SEED = Long.getLong("sluice.seed", System.nanoTime());

  // How tightly each construct binds, as the grammar in Calculator's Javadoc says.
  private static final int SUM = 1;
  private static final int PRODUCT = 2;
  private static final int UNARY = 3;
  private static final int POWER = 4;
  private static final int ATOM = 5;

  @BeforeAll
  static void printSeed() {
    System.out.println("CalculatorPropertyTest seed " + SEED + " (-Dsluice.seed=" + SEED + ")");
  }

  /** The reference evaluation found no value. */
  private static final class NoValue extends Exception {
    NoValue() {
      super(null, null, false, false);
    }
  }

  private sealed interface Node permits Literal, Negate, Binary, Call {
    double eval() throws NoValue;

    int precedence();
  }

  private record Literal(String text, double value) implements Node {
    public double eval() {
      return value;
    }

    public int precedence() {
      return ATOM;
    }
  }

  private record Negate(Node operand) implements Node {
    public double eval() throws NoValue {
      return -operand.eval();
    }

    public int precedence() {
      return UNARY;
    }
  }

  private record Binary(char op, Node left, Node right) implements Node {
    public double eval() throws NoValue {
      double a = left.eval();
      double b = right.eval();
      if ((op == '/' || op == '%') && b == 0) {
        throw new NoValue();
      }
      double value =
          switch (op) {
            case '+' -> a + b;
            case '-' -> a - b;
            case '*' -> a * b;
            case '/' -> a / b;
            case '%' -> a % b;
            case '^' -> Math.pow(a, b);
            default -> throw new IllegalStateException();
          };
      return finite(value);
    }

    public int precedence() {
      return switch (op) {
        case '+', '-' -> SUM;
        case '^' -> POWER;
        default -> PRODUCT;
      };
    }
  }

  private record Call(String name, List<Node> args) implements Node {
    public double eval() throws NoValue {
      double value = args.get(0).eval();
      DoubleBinaryOperator fold =
          switch (name) {
            case "min" -> Math::min;
            case "max" -> Math::max;
            default -> null;
          };
      for (int i = 1; i < args.size(); i++) {
        value = fold.applyAsDouble(value, args.get(i).eval());
      }
      return finite(
          switch (name) {
            case "abs" -> Math.abs(value);
            case "sqrt" -> Math.sqrt(value);
            case "floor" -> Math.floor(value);
            case "ceil" -> Math.ceil(value);
            default -> value;
          });
    }

    public int precedence() {
      return ATOM;
    }
  }

  private static double finite(double value) throws NoValue {
    if (!Double.isFinite(value)) {
      throw new NoValue();
    }
    return value;
  }

  @Test
  void agreesWithTheTreeItParses() {
    SplittableRandom random = new SplittableRandom(SEED);
    int values = 0;
    int failures = 0;
    for (int n = 0; n < CASES; n++) {
      Generator generator = new Generator(random.split());
      Node tree = generator.node(5);
      String text = generator.print(tree);
      Double expected;
      try {
        expected = tree.eval();
      } catch (NoValue e) {
        expected = null;
      }
      try {
        double actual = Calculator.evaluate(text);
        if (expected == null) {
          fail("case %d, seed %d: %s should fail but is %s", n, SEED, text, actual);
        }
        assertThat(Double.doubleToLongBits(actual))
            .as("case %d, seed %d: %s = %s, got %s", n, SEED, text, expected, actual)
            .isEqualTo(Double.doubleToLongBits(expected));
        values++;
      } catch (ToolException e) {
        if (expected != null) {
          fail("case %d, seed %d: %s should be %s but failed: %s", n, SEED, text, expected, e);
        }
        failures++;
      }
    }
    System.out.println("cases " + CASES + ": " + values + " values, " + failures + " failures");
    // Both outcomes must be common, or half of the rule goes untested.
    assertThat(values).as("seed %d", SEED).isGreaterThan(CASES / 2);
    assertThat(failures).as("seed %d", SEED).isGreaterThan(CASES / 100);
  }

  /** Makes one random tree and prints it. */
  private record Generator(SplittableRandom random) {
    private static final String[] LITERALS = {
      "0", "1", "2", "3", "7", "10", "12", "0.5", ".25", "3.", "1.5", "0.1", "2.75", "1e3",
      "2.5E-2", "4e+1", "1E0", "pi", "e", "PI"
    };

    Node node(int depth) {
      int pick = depth <= 0 ? 0 : random.nextInt(10);
      return switch (pick) {
        case 0, 1 -> literal();
        case 2 -> new Negate(node(depth - 1));
        case 3 -> new Binary('^', node(depth - 1), random.nextBoolean() ? literal() : node(1));
        case 4 -> call(depth - 1);
        default ->
            new Binary("+-*/%+-*".charAt(random.nextInt(8)), node(depth - 1), node(depth - 1));
      };
    }

    private Node literal() {
      String text = LITERALS[random.nextInt(LITERALS.length)];
      double value =
          switch (text) {
            case "pi", "PI" -> Math.PI;
            case "e" -> Math.E;
            default -> Double.parseDouble(text);
          };
      return new Literal(text, value);
    }

    private Node call(int depth) {
      String name = List.of("abs", "sqrt", "floor", "ceil", "min", "max").get(random.nextInt(6));
      int count = name.startsWith("m") ? 1 + random.nextInt(3) : 1;
      List<Node> args = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        args.add(node(depth));
      }
      return new Call(name, args);
    }

    String print(Node node) {
      String text =
          switch (node) {
            case Literal literal -> literal.text();
            case Negate negate -> "-" + space() + operand(negate.operand(), UNARY);
            case Binary b -> {
              int p = b.precedence();
              // The grammar: a power's base is a primary, its exponent a unary; the operators of
              // sums and products are left-associative, so a same-level right operand needs ( ).
              String left = b.op() == '^' ? operand(b.left(), ATOM) : operand(b.left(), p);
              String right = b.op() == '^' ? operand(b.right(), UNARY) : operand(b.right(), p + 1);
              String op = b.op() == '^' && random.nextInt(4) == 0 ? "**" : String.valueOf(b.op());
              yield left + space() + op + space() + right;
            }
            case Call call ->
                call.name()
                    + "("
                    + String.join("," + space(), call.args().stream().map(this::print).toList())
                    + ")";
          };
      return random.nextInt(12) == 0 ? "(" + space() + text + space() + ")" : text;
    }

    /** {@code operand} printed where the grammar wants something binding at least {@code min}. */
    private String operand(Node operand, int min) {
      String text = print(operand);
      return operand.precedence() < min ? "(" + text + ")" : text;
    }

    private String space() {
      return random.nextInt(3) == 0 ? " " : "";
    }
  }
}
