package dev.sluice.tool;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Evaluates an arithmetic expression by recursive descent, computing while it parses. Not
 * thread-safe: each evaluation uses its own instance, made by {@link #evaluate}.
 *
 * <p>Grammar, loosest first ({@code **} is accepted for {@code ^}, as models often write it):
 *
 * <pre>
 * sum     := product (('+' | '-') product)*
 * product := unary (('*' | '/' | '%') unary)*
 * unary   := ('-' | '+') unary | power
 * power   := primary ('^' unary)?          right-associative; -2^2 is -(2^2)
 * primary := number | constant | function '(' sum (',' sum)* ')' | '(' sum ')'
 * </pre>
 *
 * <p>Numbers are IEEE-754 doubles, because sqrt, ln and the trigonometric functions have no exact
 * decimal result anyway; {@link MathFunctions#format} hides the binary noise (0.1+0.2 prints as
 * 0.3). Every operation must give a finite result: overflow and results that are not real numbers
 * (sqrt(-1), ln(0)) are errors at the operator's position, so a bad value never travels silently.
 */
final class Calculator {
  static final int MAX_LENGTH = 1000;

  /** Deep enough for any real formula; shallow enough that the recursion can never overflow. */
  static final int MAX_DEPTH = 100;

  private final String text;
  private int pos;
  private int depth;

  private Calculator(String text) {
    this.text = text;
  }

  /** The value of {@code expression}; a ToolException says what is wrong and where. */
  static double evaluate(String expression) throws ToolException {
    if (expression.length() > MAX_LENGTH) {
      throw new ToolException(
          "The expression is "
              + expression.length()
              + " characters long; at most "
              + MAX_LENGTH
              + " are accepted.");
    }
    Calculator calculator = new Calculator(expression);
    double value = calculator.sum();
    calculator.skipSpace();
    if (calculator.pos < expression.length()) {
      throw calculator.syntax(
          expression.charAt(calculator.pos) == ')'
              ? "this ')' has no matching '('"
              : "expected an operator (+ - * / % ^) or the end of the expression");
    }
    return value;
  }

  private double sum() throws ToolException {
    double value = product();
    while (true) {
      skipSpace();
      int at = pos;
      if (eat('+')) {
        value = checked(value + product(), at);
      } else if (eat('-')) {
        value = checked(value - product(), at);
      } else {
        return value;
      }
    }
  }

  private double product() throws ToolException {
    double value = unary();
    while (true) {
      skipSpace();
      int at = pos;
      if (eat('*')) {
        value = checked(value * unary(), at);
      } else if (eat('/')) {
        double divisor = unary();
        if (divisor == 0) {
          throw error("Division by zero", at);
        }
        value = checked(value / divisor, at);
      } else if (eat('%')) {
        double divisor = unary();
        if (divisor == 0) {
          throw error("Remainder of a division by zero", at);
        }
        value = checked(value % divisor, at);
      } else {
        return value;
      }
    }
  }

  private double unary() throws ToolException {
    // Every level of nesting (parentheses, function arguments, signs, powers) passes here.
    if (++depth > MAX_DEPTH) {
      throw error(
          "The expression is nested too deeply (more than "
              + MAX_DEPTH
              + " levels of parentheses, signs or powers)",
          pos);
    }
    skipSpace();
    double value;
    if (eat('-')) {
      value = -unary();
    } else if (eat('+')) {
      value = unary();
    } else {
      value = power();
    }
    depth--;
    return value;
  }

  private double power() throws ToolException {
    double base = primary();
    skipSpace();
    int at = pos;
    if (eat('^') || (text.startsWith("**", pos) && eat('*') && eat('*'))) {
      return checked(Math.pow(base, unary()), at);
    }
    return base;
  }

  private double primary() throws ToolException {
    skipSpace();
    if (pos == text.length()) {
      throw syntax("expected a number, a constant, a function or '(' but the expression ends");
    }
    char c = text.charAt(pos);
    if (isDigit(c) || c == '.') {
      return number();
    }
    if (Character.isLetter(c)) {
      return name();
    }
    int open = pos;
    if (eat('(')) {
      double value = sum();
      expect(')', "to close the '(' at position " + (open + 1));
      return value;
    }
    throw syntax("expected a number, a constant, a function or '(' but found '" + c + "'");
  }

  private double number() throws ToolException {
    int start = pos;
    while (pos < text.length() && isDigit(text.charAt(pos))) {
      pos++;
    }
    if (eat('.')) {
      while (pos < text.length() && isDigit(text.charAt(pos))) {
        pos++;
      }
    }
    if (pos - start == 1 && text.charAt(start) == '.') {
      throw error("Syntax error: expected digits around the '.'", start);
    }
    int mantissaEnd = pos;
    if (eat('e') || eat('E')) {
      if (!eat('+')) {
        eat('-');
      }
      if (pos == text.length() || !isDigit(text.charAt(pos))) {
        pos = mantissaEnd; // not an exponent after all: the 'e' is left for the next token
      }
      while (pos < text.length() && isDigit(text.charAt(pos))) {
        pos++;
      }
    }
    double value = Double.parseDouble(text.substring(start, pos));
    if (Double.isInfinite(value)) {
      throw error("The number " + text.substring(start, pos) + " is too large", start);
    }
    return value;
  }

  private double name() throws ToolException {
    int start = pos;
    while (pos < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    String name = text.substring(start, pos).toLowerCase(Locale.ROOT);
    skipSpace();
    if (pos < text.length() && text.charAt(pos) == '(') {
      if (!MathFunctions.NAMES.contains(name)) {
        throw error(
            "Unknown function '"
                + name
                + "'; the functions are "
                + String.join(", ", MathFunctions.NAMES),
            start);
      }
      pos++;
      List<Double> arguments = arguments();
      try {
        return checked(MathFunctions.apply(name, arguments), start);
      } catch (IllegalArgumentException e) {
        throw error(e.getMessage(), start);
      }
    }
    return switch (name) {
      case "pi", "π" -> Math.PI;
      case "e" -> Math.E;
      default ->
          throw error(
              MathFunctions.NAMES.contains(name)
                  ? "The function '" + name + "' needs its argument in parentheses, e.g. sqrt(2)"
                  : "Unknown name '" + name + "'; the constants are pi and e (no variables)",
              start);
    };
  }

  /** The comma-separated arguments after a function's '(', through its ')'. */
  private List<Double> arguments() throws ToolException {
    int open = pos - 1;
    List<Double> values = new ArrayList<>();
    do {
      values.add(sum());
      skipSpace();
    } while (eat(','));
    expect(')', "to close the function call's '(' at position " + (open + 1));
    return values;
  }

  /** {@code value}, unless an operation at {@code at} overflowed or left the real numbers. */
  private double checked(double value, int at) throws ToolException {
    if (Double.isNaN(value)) {
      throw error("The result is not a real number (e.g. sqrt(-1), ln(-1) or (-8)^(1/3))", at);
    }
    if (Double.isInfinite(value)) {
      throw error("The result is infinite or too large (e.g. ln(0) or 10^400)", at);
    }
    return value;
  }

  private void expect(char c, String why) throws ToolException {
    skipSpace();
    if (!eat(c)) {
      throw syntax(
          "expected '"
              + c
              + "' "
              + why
              + (pos == text.length()
                  ? " but the expression ends"
                  : " but found '" + text.charAt(pos) + "'"));
    }
  }

  private boolean eat(char c) {
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private ToolException syntax(String what) {
    return error("Syntax error: " + what, pos);
  }

  /** Positions in messages count from 1, as people and models count characters. */
  private ToolException error(String what, int at) {
    return new ToolException(what + " (at position " + (at + 1) + " of the expression).");
  }
}
