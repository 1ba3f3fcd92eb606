"""The compiler: a parse tree becomes Python source, compiled once, run many times.

Like Jinja2, gotmpl generates Python code for each template instead of walking
the tree on every render. The generated function mirrors Go's exec.go step by
step — the same evaluation order, the same checks, the error node Go would
report (``self.at`` follows Go's ``s.at(node)`` as code is generated) — and
calls gotmpl.runtime for anything dynamic. Template variables are Python
locals (Go's scoping is lexical, so each declaration gets its own local);
``{{break}}``/``{{continue}}`` are Python's; constant arguments are converted
at compile time.

A compiled template is a function ``f(S, dot)``; when it contains
``{{template}}`` calls it is a generator that yields ``(function, name, dot)``
to the driver in gotmpl.template, which keeps its own stack, so template
recursion depth is bounded by Go's limit (100000), not by Python's.
"""

from __future__ import annotations

import sys
from typing import Any

from . import runtime as R
from . import values as V
from .nodes import (
    ActionNode,
    BoolNode,
    BranchNode,
    BreakNode,
    ChainNode,
    CommandNode,
    CommentNode,
    ContinueNode,
    DotNode,
    FieldNode,
    IdentifierNode,
    IfNode,
    ListNode,
    NilNode,
    Node,
    NumberNode,
    PipeNode,
    RangeNode,
    StringNode,
    TemplateNode,
    TextNode,
    Tree,
    VariableNode,
    WithNode,
)
from .runtime import REFLECT_VALUE, GoFunc
from .values import MISSING

__all__ = ["compile_tree"]

_LITERALS = (BoolNode, NumberNode, StringNode, NilNode)


class _Unsupported(Exception):
    pass


class _Gen:
    """Generates the Python source of one template's function."""

    def __init__(self, tree: Tree, funcs: dict[str, GoFunc], trace: bool = False) -> None:
        self.trace = trace
        self.tree = tree
        self.funcs = funcs
        self.lines: list[str] = []
        self.depth = 1
        self.consts: list[Any] = []
        self._const_ids: dict[int, int] = {}
        self.tmp = 0
        self.scopes: list[dict[str, str]] = [{"$": "v_dollar"}]
        self.dot = "dot"
        self.dot_static = "None"  # the dot's static type when an interface (an expression)
        self.at: Node | None = None
        self.loop_depth = 0
        self.loops: list[str] = []  # "body" / "else" of the enclosing ranges, "fn" at a block function
        self.calls_templates = False  # a {{template}} makes the function a generator
        # Per generated function: its locals, the outer ones it reads, whether it yields.
        self.declared: set[str] = set()
        self.imports: set[str] = set()
        self.fn_yields = False
        self.block_functions: list[str] = []

    # --- emitting --------------------------------------------------------------------------

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def new_var(self, prefix: str = "t") -> str:
        self.tmp += 1
        return f"{prefix}{self.tmp}"

    def const(self, value: Any) -> str:
        """A reference to a constant (nodes, types, non-literal values)."""
        key = id(value)
        idx = self._const_ids.get(key)
        if idx is None:
            idx = len(self.consts)
            self.consts.append(value)
            self._const_ids[key] = idx
        return f"K[{idx}]"

    def literal(self, value: Any) -> str:
        """Python source for a constant value."""
        if type(value) is str or type(value) is bool or (type(value) is int) or value is None:
            return repr(value)
        if value is MISSING:
            return "MISSING"
        return self.const(value)

    def node(self, n: "Node | _RuntimeAt | None") -> str:
        if isinstance(n, _RuntimeAt):
            return n.var
        return "None" if n is None else self.const(n)

    def fail(self, message_expr: str, node: Node | None = None) -> None:
        """Emit a raise of Go's error at the current node (or ``node``)."""
        self.emit(f"raise R.fail(S, {self.node(node if node is not None else self.at)}, {message_expr})")

    # --- variables ------------------------------------------------------------------------------

    def lookup_var(self, name: str) -> str | None:
        for scope in reversed(self.scopes):
            if name in scope:
                py = scope[name]
                self.use_var(py)
                return py
        return None

    def use_var(self, py: str) -> None:
        """Note a variable of an enclosing generated function (passed in F)."""
        if py != "v_dollar" and py not in self.declared:
            self.imports.add(py)

    def declare_var(self, name: str) -> str:
        """A new local for a declared variable; ``<local>_st`` holds the static type
        of the slot its value came from when that is an interface."""
        py = self.new_var("v_")
        self.scopes[-1][name] = py
        self.declared.add(py)
        self.emit(f"{py}_st = None")
        return py

    def push_scope(self) -> None:
        self.scopes.append({})

    def pop_scope(self) -> None:
        self.scopes.pop()

    # --- statements ---------------------------------------------------------------------------------

    def walk(self, node: Node) -> None:
        self.at = node
        if isinstance(node, TextNode):
            if node.text:
                self.emit_trace(node, node.text)
                self.emit(f"W({node.text!r})")
        elif isinstance(node, ActionNode):
            # A printed value needs no nil-interface stripping: P prints both alike.
            value = self.pipeline(node.pipe, strip_last=bool(node.pipe.decl))
            if not node.pipe.decl:
                self.at = node
                n = self.node(node)
                self.emit_trace(node, None)
                self.emit(f"W({value} if type({value}) is str else P(S, {n}, {value}))")
        elif isinstance(node, (IfNode, WithNode)):
            self.walk_if_or_with(node)
        elif isinstance(node, RangeNode):
            self.walk_range(node)
        elif isinstance(node, TemplateNode):
            self.calls_templates = True
            self.walk_template(node)
        elif isinstance(node, ListNode):
            for child in node.nodes:
                self.walk(child)
        elif isinstance(node, BreakNode):
            self.emit_jump("break")
        elif isinstance(node, ContinueNode):
            self.emit_jump("continue")
        elif isinstance(node, CommentNode):
            pass
        else:  # pragma: no cover - the parser makes no other nodes
            self.fail(repr(f"unknown node: {node}"))

    def emit_trace(self, node: Node, text: str | None) -> None:
        """In traced code: note where the next write comes from."""
        if self.trace:
            tree = node.tree or self.tree
            line = tree.line_col(node.pos)[0]
            self.emit(f"S.trace.append((len(S.out), {tree.parse_name!r}, {line}, {text!r}))")

    def emit_jump(self, kind: str) -> None:
        """{{break}} / {{continue}}: a Python break/continue, the return code of a
        block function, or, for a break in a range's {{else}}, BreakElse."""
        for entry in reversed(self.loops):
            if entry == "else":
                if kind == "break":
                    self.emit("raise R.BreakElse")
                    return
                continue
            if entry == "body":
                self.emit(kind)
                return
            if entry == "fn":
                self.emit("#STORE#")
                self.emit("return 1" if kind == "break" else "return 2")
                return
        self.emit(kind)  # pragma: no cover - the parser puts break/continue in ranges

    def too_deep(self) -> bool:
        """Python compiles at most 100 indentation levels and 20 nested loops per
        function: deeper template code goes into block functions of its own."""
        return self.depth >= 24 or self.loop_depth >= 5

    def block(self, body: ListNode | None, dot: str | None = None) -> None:
        saved = self.dot, self.dot_static
        if dot is not None:
            self.dot, self.dot_static = dot, "None"
        self.depth += 1
        mark = len(self.lines)
        # Declarations in one branch are never visible in another at run time.
        self.push_scope()
        if body is not None:
            if self.too_deep():
                self.call_block_function(body)
            else:
                self.walk(body)
        self.pop_scope()
        if len(self.lines) == mark:
            self.emit("pass")
        self.depth -= 1
        self.dot, self.dot_static = saved

    def call_block_function(self, body: Node) -> None:
        """Compile ``body`` as a top-level function and call it: variables of the
        enclosing functions travel in a dict, break/continue come back as 1/2."""
        saved = (self.lines, self.depth, self.loops, self.loop_depth, self.declared, self.imports, self.fn_yields, self.dot, self.dot_static)
        name = self.new_var("_block")
        self.lines, self.depth, self.loops, self.loop_depth = [], 1, ["fn"], 0
        self.declared, self.imports, self.fn_yields = set(), set(), False
        self.dot, self.dot_static = "dot", "dst"
        self.walk(body)
        body_lines, imports, yields = self.lines, sorted(self.imports), self.fn_yields
        (self.lines, self.depth, self.loops, self.loop_depth, self.declared, self.imports, self.fn_yields, self.dot, self.dot_static) = saved
        names = [n for py in imports for n in (py, py + "_st")]
        store = [f"F[{n!r}] = {n}" for n in names]
        source = [f"def {name}(S, W, dot, v_dollar, dst, F):"]
        source += [f"    {n} = F[{n!r}]" for n in names]
        for line in body_lines:
            if line.strip() == "#STORE#":
                indent = line[: len(line) - len(line.lstrip())]
                source += [indent + st for st in store]
            else:
                source.append(line)
        source += ["    " + st for st in store] + ["    return 0"]
        self.block_functions.append("\n".join(source))
        for py in imports:
            self.use_var(py)
        cells = self.new_var("F")
        self.emit(f"{cells} = {{{', '.join(f'{n!r}: {n}' for n in names)}}}")
        call = f"{name}(S, W, {self.dot}, v_dollar, {self.dot_static}, {cells})"
        rc = self.new_var("rc")
        if yields:
            self.fn_yields = True
            self.emit(f"{rc} = yield from {call}")
        else:
            self.emit(f"{rc} = {call}")
        for n in names:
            self.emit(f"{n} = {cells}[{n!r}]")
        if not any(entry in ("body", "fn") for entry in self.loops):
            return  # no enclosing range: the block cannot break or continue
        self.emit(f"if {rc} == 1:")
        self.depth += 1
        self.emit_jump("break")
        self.depth -= 1
        self.emit(f"elif {rc} == 2:")
        self.depth += 1
        self.emit_jump("continue")
        self.depth -= 1

    def walk_if_or_with(self, node: BranchNode) -> None:
        self.push_scope()
        value = self.pipeline(node.pipe)
        self.emit(f"if ({value} if type({value}) is bool else T({value})):")
        self.block(node.list, value if isinstance(node, WithNode) else None)
        if node.else_list is not None:
            self.emit("else:")
            self.block(node.else_list)
        self.pop_scope()

    def walk_range(self, node: RangeNode) -> None:
        self.at = node
        self.push_scope()
        pipe = node.pipe
        value = self.pipeline(pipe)
        decl = pipe.decl
        items, ran, key, elem = self.new_var("it"), self.new_var("ran"), self.new_var("k"), self.new_var("e")
        kst, est = self.new_var("kst"), self.new_var("est")
        two = len(decl) > 1
        self.emit(f"{items} = R.range_items(S, {self.node(self.at)}, {value}, {two})")
        self.emit(f"{kst}, {est} = R.range_static({value})")
        self.emit(f"{ran} = False")
        self.emit(f"for {key}, {elem} in {items}:")
        self.depth += 1
        self.emit(f"{ran} = True")
        self.emit("if S.limited: R.tick(S)")
        if decl:
            targets = [self.var_target(d, assign=pipe.is_assign) for d in decl]
            if len(decl) == 1:
                self.assign_target(targets[0], elem, est)
            else:
                self.assign_target(targets[0], key, kst)
                self.assign_target(targets[1], elem, est)
        self.push_scope()
        self.loop_depth += 1
        self.loops.append("body")
        saved = self.dot, self.dot_static
        self.dot, self.dot_static = elem, est
        mark = len(self.lines)
        if self.too_deep():
            self.call_block_function(node.list)
        else:
            self.walk(node.list)
        if len(self.lines) == mark:
            self.emit("pass")
        self.dot, self.dot_static = saved
        self.loops.pop()
        self.loop_depth -= 1
        self.pop_scope()
        self.depth -= 1
        if node.else_list is not None:
            self.emit(f"if not {ran}:")
            self.depth += 1
            self.loops.append("else")
            self.emit("try:")
            self.block(node.else_list)
            self.emit("except R.BreakElse:")
            self.emit("    pass")
            self.loops.pop()
            self.depth -= 1
        self.pop_scope()

    def var_target(self, var: VariableNode, assign: bool) -> tuple[str | None, VariableNode]:
        """The Python local a declared/assigned variable lives in (None: undefined)."""
        name = var.ident[0]
        if assign:
            return self.lookup_var(name), var
        return self.lookup_var(name), var  # declared by the pipeline already

    def assign_target(self, target: tuple[str | None, VariableNode], value: str, static: str = "None") -> None:
        py, var = target
        if py is None:
            self.emit(f"raise R.undefined_variable(S, {self.node(self.at)}, {var.ident[0]!r})")
        else:
            self.emit(f"{py} = {value}")
            if py != "v_dollar":
                self.emit(f"{py}_st = {static}")

    def walk_template(self, node: TemplateNode) -> None:
        self.at = node
        n = self.node(node)
        fn = self.new_var("f")
        self.emit(f"{fn} = R.lookup_template(S, {n}, {node.name!r})")
        if node.pipe is not None:
            value = self.pipeline(node.pipe)
        else:
            value = "MISSING"
        self.emit(f"yield ({fn}, {node.name!r}, {value})")
        self.fn_yields = True

    # --- pipelines and commands ------------------------------------------------------------------

    def pipeline(self, pipe: PipeNode | None, strip_last: bool = True) -> str:
        """Go's evalPipeline: the commands in order, each result feeding the next;
        then declarations. Returns the local holding the value."""
        if pipe is None:
            return "MISSING"
        self.at = pipe
        result = self.new_var()
        has_final = False
        final = "MISSING"
        last = len(pipe.cmds) - 1
        for i, cmd in enumerate(pipe.cmds):
            expr = self.command(cmd, final, has_final)
            if i == last and not strip_last:
                return expr
            self.emit(f"{result} = {expr}")
            self.emit(f"if {result} is None: {result} = MISSING")
            final, has_final = result, True
        for var in pipe.decl:
            name = var.ident[0]
            if pipe.is_assign:
                py = self.lookup_var(name)
                if py is None:
                    self.emit(f"raise R.undefined_variable(S, {self.node(self.at)}, {name!r})")
                else:
                    self.emit(f"{py} = {result}")
                    if py != "v_dollar":
                        self.emit(f"{py}_st = None")
            else:
                py = self.declare_var(name)
                self.emit(f"{py} = {result}")
        return result

    def command(self, cmd: CommandNode, final: str, has_final: bool) -> str:
        first = cmd.args[0]
        if isinstance(first, FieldNode):
            return self.field_node(first, cmd.args, final, has_final)
        if isinstance(first, ChainNode):
            return self.chain_node(first, cmd.args, final, has_final)
        if isinstance(first, IdentifierNode):
            return self.function(first, cmd, cmd.args, final, has_final)
        if isinstance(first, PipeNode):
            self.not_a_function(cmd.args, has_final)
            return self.pipeline(first)
        if isinstance(first, VariableNode):
            return self.variable_node(first, cmd.args, final, has_final)
        self.at = first
        self.not_a_function(cmd.args, has_final)
        if isinstance(first, BoolNode):
            return repr(first.true)
        if isinstance(first, DotNode):
            return self.dot
        if isinstance(first, NilNode):
            self.fail(repr("nil is not a command"))
            return "MISSING"
        if isinstance(first, NumberNode):
            return self.ideal_constant(first)
        if isinstance(first, StringNode):
            return repr(first.text)
        self.fail(repr(f"can't evaluate command {first}"))
        return "MISSING"

    def not_a_function(self, args: list[Node], has_final: bool) -> None:
        if len(args) > 1 or has_final:
            self.fail(repr(f"can't give argument to non-function {args[0]}"))

    def ideal_constant(self, node: NumberNode) -> str:
        self.at = node
        try:
            value = R.ideal_constant(_NO_STATE, node)
        except R.ExecError:
            return f"R.ideal_constant(S, {self.node(node)})"
        return self.literal(value)

    # --- fields ----------------------------------------------------------------------------------------

    def field_node(self, node: FieldNode, args: list[Node], final: str, has_final: bool) -> str:
        self.at = node
        return self.field_chain(self.dot, self.dot_static, node, node.ident, args, final, has_final)

    def chain_node(self, node: ChainNode, args: list[Node], final: str, has_final: bool) -> str:
        self.at = node
        if isinstance(node.node, NilNode):
            self.fail(repr(f"indirection through explicit nil in {node}"))
            return "MISSING"
        receiver = self.arg(node.node, None)
        static = "None"
        if isinstance(node.node, IdentifierNode):
            fn = self.funcs.get(node.node.ident)
            if fn is not None and fn.type.results and fn.type.results[0].kind == V.Kind.INTERFACE:
                static = self.const(fn.type.results[0])
        return self.field_chain(receiver, static, node, node.field, args, final, has_final)

    def variable_node(self, node: VariableNode, args: list[Node], final: str, has_final: bool) -> str:
        self.at = node
        name = node.ident[0]
        py = self.lookup_var(name)
        if py is None:
            self.emit(f"raise R.undefined_variable(S, {self.node(node)}, {name!r})")
            return "MISSING"
        if len(node.ident) == 1:
            self.not_a_function(args, has_final)
            return py
        static = "None" if py == "v_dollar" else f"{py}_st"
        return self.field_chain(py, static, node, node.ident[1:], args, final, has_final)

    def field_chain(
        self, receiver: str, static: str, node: Node, idents: list[str], args: list[Node], final: str, has_final: bool
    ) -> str:
        """Go's evalFieldChain. Field errors name Go's current node (``self.at``);
        a failing call names ``node``. Each step passes where its receiver came
        from, so errors can name the receiver's static type."""
        where = self.node(self.at)
        if len(args) <= 1 and not has_final:
            site = self.const(R.chain_site(tuple(idents), self.at, node))
            result = self.new_var("r")
            self.emit(f"{result} = {site}(S, {receiver}{'' if static == 'None' else ', ' + static})")
            return result
        prev, prev_name = static, "None"
        cur = receiver
        for name in idents[:-1]:
            nxt = self.new_var("r")
            self.emit(f"{nxt} = {cur}[{name!r}] if type({cur}) is dict and {name!r} in {cur} else F(S, {where}, {cur}, {name!r}, {prev}, {prev_name}, {self.node(node)})")
            prev, prev_name, cur = cur, repr(name), nxt
        last = idents[-1]
        if len(args) <= 1 and not has_final:
            nxt = self.new_var("r")
            self.emit(f"{nxt} = {cur}[{last!r}] if type({cur}) is dict and {last!r} in {cur} else F(S, {where}, {cur}, {last!r}, {prev}, {prev_name})")
            return nxt
        st = f"R.slot_static(S, {prev}, {prev_name})" if prev_name != "None" else prev
        return self.call_member(cur, st, where, node, last, args[1:], final, has_final)

    def call_member(
        self, receiver: str, static: str, where: str, node: Node, name: str, args: list[Node], final: str, has_final: bool
    ) -> str:
        """The last field of a chain, with arguments or a piped value: Go's evalField then evalCall."""
        n = self.node(node)
        member = self.new_var("m")
        result = self.new_var()
        has_args = bool(args) or has_final
        self.emit(f"{member} = R.member(S, {where}, {receiver}, {name!r}, {has_args}, {static})")
        self.emit(f"if {member}.method is not None:")
        self.depth += 1
        ftype = f"{member}.func_type"
        self.emit(f"R.check_arity(S, {where}, {name!r}, {ftype}, {len(args)}, {has_final})")
        argv = []
        for i, arg in enumerate(args):
            argv.append(self.arg(arg, None, type_expr=f"R.param_type({ftype}, {i})"))
        if has_final:
            argv.append(f"R.validate(S, {self.node(self.at)}, {final}, R.final_type({ftype}, {len(args)}))")
        self.emit(f"{result} = R.invoke(S, {n}, {name!r}, {member}.method, {ftype}, [{', '.join(argv)}], False)")
        self.depth -= 1
        self.emit("else:")
        self.emit(f"    {result} = {member}.value")
        return result

    # --- arguments ---------------------------------------------------------------------------------

    def arg(self, node: Node, t: V.GoType | None, type_expr: str | None = None) -> str:
        """Go's evalArg: the value of an argument node for parameter type t (static), or
        for the type computed by ``type_expr`` at run time. Returns an expression."""
        self.at = node
        n = self.node(node)
        texpr = type_expr if type_expr is not None else self.type_ref(t)
        if isinstance(node, DotNode):
            return self.validated(n, self.dot, t, texpr)
        if isinstance(node, NilNode):
            return self.literal_arg(node, t, texpr)
        if isinstance(node, FieldNode):
            value = self.field_node(node, [node], "MISSING", False)
            return self.validated(n, value, t, texpr)
        if isinstance(node, VariableNode):
            value = self.variable_node(node, [], "MISSING", False)
            return self.validated(n, value, t, texpr)
        if isinstance(node, PipeNode):
            value = self.pipeline(node)
            return self.validated(n, value, t, texpr)
        if isinstance(node, IdentifierNode):
            value = self.function(node, node, [node], "MISSING", False)
            return self.validated(self.node(self.at), value, t, texpr)
        if isinstance(node, ChainNode):
            value = self.chain_node(node, [], "MISSING", False)
            return self.validated(n, value, t, texpr)
        return self.literal_arg(node, t, texpr)

    def type_ref(self, t: V.GoType | None) -> str:
        return "None" if t is None else self.const(t)

    def validated(self, n: str, value: str, t: V.GoType | None, texpr: str) -> str:
        """Go's validateType; free for reflect.Value parameters and static None."""
        if texpr == "None" or t is REFLECT_VALUE:
            return value
        var = self.new_var()
        self.emit(f"{var} = R.validate(S, {self.node(self.at)}, {value}, {texpr})")
        return var

    def literal_arg(self, node: Node, t: V.GoType | None, texpr: str) -> str:
        n = self.node(node)
        if t is not None and texpr == self.type_ref(t):
            try:
                value = R.literal_arg(_NO_STATE, node, t, None)
            except R.ExecError:
                pass
            else:
                return self.literal(value)
        var = self.new_var()
        self.emit(f"{var} = R.literal_arg(S, {n}, {texpr}, {self.dot})")
        return var

    # --- functions ------------------------------------------------------------------------------------

    def function(self, ident: IdentifierNode, cmd: Node, args: list[Node], final: str, has_final: bool) -> str:
        """Go's evalFunction + evalCall for a named function."""
        self.at = ident
        name = ident.ident
        fn = self.funcs.get(name)
        if fn is None or fn.fn is None and name not in ("and", "or"):
            self.fail(repr(f"{_q(name)} is not a defined function"))
            return "MISSING"
        call_args = args[1:]
        ftype = fn.type
        arity = _arity_error(name, ftype, len(call_args), has_final)
        if arity is not None:
            self.fail(repr(arity))
            return "MISSING"
        if fn.builtin and name in ("and", "or"):
            return self.and_or(name == "or", call_args, final, has_final)
        argv = [self.arg(a, R.param_type(ftype, i)) for i, a in enumerate(call_args)]
        if has_final:
            t = R.final_type(ftype, len(call_args))
            argv.append(self.validated(self.node(self.at), final, t, self.type_ref(t)))
        fname = name
        if fn.builtin and name == "call":
            callee = repr(str(call_args[0])) if call_args else f"R.callee_name({final})"
            argv.insert(0, callee)
        result = self.new_var()
        if fn.raw:
            # Builtins on reflect.Values: called directly; a failure is Go's "error calling".
            extra = ", S=S" if fn.needs_state else ""
            self.emit("try:")
            self.emit(f"    {result} = {self.const(fn)}.fn({', '.join(argv)}{extra})")
            self.emit("except Exception as err:")
            self.emit(f"    raise R.call_failed(S, {self.node(cmd)}, {fname!r}, err)")
            return result
        self.emit(
            f"{result} = R.invoke(S, {self.node(cmd)}, {fname!r}, {self.const(fn)}.fn, "
            f"{self.const(ftype)}, [{', '.join(argv)}], {fn.raw}{', True' if fn.needs_state else ''})"
        )
        # Go moves s.node to the call only when it fails: it stays on the last argument.
        return result

    def and_or(self, is_or: bool, args: list[Node], final: str, has_final: bool) -> str:
        """Go's short-circuit and/or: the first deciding operand, else the last."""
        result = self.new_var()
        at = self.new_var()
        opened = 0
        for i, arg in enumerate(args):
            value = self.arg(arg, REFLECT_VALUE)
            self.emit(f"{result} = {value}")
            self.emit(f"{at} = {self.node(self.at)}")
            if i < len(args) - 1 or has_final:
                test = f"T({result})" if not is_or else f"not T({result})"
                self.emit(f"if {test}:")
                self.depth += 1
                opened += 1
        if has_final:
            self.emit(f"{result} = {final}")
        self.depth -= opened
        if not args and not has_final:
            self.emit(f"{result} = MISSING")
        elif args:
            # Go's s.at is the last operand evaluated, known only at run time.
            self.at = _RuntimeAt(at)
        return result


class _RuntimeAt:
    """Go's current node when it depends on the run (after a short-circuit
    and/or): the generated variable holding it."""

    __slots__ = ("var",)

    def __init__(self, var: str) -> None:
        self.var = var


def _q(s: str) -> str:
    from .strconv import quote

    return quote(s)


def _arity_error(name: str, ftype: V.GoType, nargs: int, has_final: bool) -> str | None:
    num_in = nargs + (1 if has_final else 0)
    nparams = len(ftype.params)
    if ftype.variadic:
        if num_in < nparams - 1:
            return f"wrong number of args for {name}: want at least {nparams - 1} got {nargs}"
    elif num_in != nparams:
        return f"wrong number of args for {name}: want {nparams} got {num_in}"
    nout = len(ftype.results)
    if nout == 2 and ftype.results[1] is not V.ERROR:
        return f"invalid function signature for {name}: second return value should be error; is {ftype.results[1]}"
    if nout not in (1, 2):
        return f"function {name} has {nout} return values; should be 1 or 2"
    return None


class _NoState:
    """Stands in for State when converting constants at compile time; any error
    means the conversion is left to run time, where it raises in Go's order."""

    name = ""
    missingkey = "invalid"


_NO_STATE = _NoState()


def _nesting_depth(root: Node | None) -> int:
    """How deeply control structures and parentheses nest (counted without recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if node is None:
            continue
        deepest = max(deepest, depth)
        if isinstance(node, ListNode):
            stack.extend((n, depth + 1) for n in node.nodes)
        elif isinstance(node, BranchNode):
            stack.extend([(node.pipe, depth + 1), (node.list, depth + 1), (node.else_list, depth + 1)])
        elif isinstance(node, (ActionNode, TemplateNode)):
            stack.append((node.pipe, depth + 1))
        elif isinstance(node, PipeNode):
            stack.extend((c, depth + 1) for c in node.cmds)
        elif isinstance(node, CommandNode):
            stack.extend((a, depth + 1) for a in node.args)
        elif isinstance(node, ChainNode):
            stack.append((node.node, depth + 1))
    return deepest


def compile_tree(tree: Tree, funcs: dict[str, GoFunc], trace: bool = False) -> Any:
    """The function that executes ``tree``.

    The code generator recurses over the tree; Python 3.11 runs Python-to-Python
    calls without growing the C stack, so for deeply nested templates the
    recursion limit is raised for the duration of the compilation instead of
    refusing templates Go accepts.
    """
    needed = _nesting_depth(tree.root) * 8 + 500
    limit = sys.getrecursionlimit()
    if needed > limit:
        sys.setrecursionlimit(needed)
    try:
        return _compile(tree, funcs, trace)
    finally:
        if needed > limit:
            sys.setrecursionlimit(limit)


def _compile(tree: Tree, funcs: dict[str, GoFunc], trace: bool = False) -> Any:
    gen = _Gen(tree, funcs, trace)
    if tree.root is not None:
        gen.walk(tree.root)
    body = gen.lines or ["    pass"]
    tail = ["    return", "    yield"] if gen.calls_templates else []
    source = "\n".join(
        [*gen.block_functions, "def _template(S, dot):", "    W = S.out.append", "    v_dollar = dot", *body, *tail]
    )
    env = {
        "R": R,
        "K": gen.consts,
        "MISSING": MISSING,
        "P": R.print_value,
        "T": R.truth,
        "F": R.field,
    }
    code = compile(source, f"<template {tree.name}>", "exec")
    exec(code, env)  # noqa: S102 - our own generated source; user text only appears in repr() literals
    fn = env["_template"]
    fn.__gotmpl_source__ = source
    fn.__gotmpl_generator__ = gen.calls_templates
    return fn
