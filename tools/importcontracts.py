"""import-linter contract types for the domain boundaries (configured in `.importlinter`, run by
`lint-imports` and by tests/core/test_imports.py).

A *domain* is any direct subpackage of `lms` not named as infrastructure or composition in the contract,
so a new domain package (groups, payments, forums, ...) is covered the moment it exists; nothing here
lists today's domains.

- `infrastructure`: the named packages (lms.platform, ...) import no domain and no composition package.
- `public_faces`: a domain imports another only through its public modules (`lms.<other>.public`, plus
  the names listed in `public_modules`: a bare name, e.g. `policy` or the generated `v1` message stubs, for
  any domain; a full name, e.g. `lms.realtime.rooms`, for that module only; `ignore_imports` lists
  `importer -> imported` pairs let through for now).
"""
from __future__ import annotations

from importlinter import Contract, ContractCheck, fields, output


def _domains(graph, root: str, not_domains: set[str]) -> set[str]:
    return {child for child in graph.find_children(root) if child not in not_domains
            and graph.find_children(child)}  # packages only (lms.cli is a module)


def _top(module: str) -> str:
    return ".".join(module.split(".")[:2])


class _DomainContract(Contract):
    root = fields.StringField()
    infrastructure = fields.ListField(subfield=fields.StringField())
    composition = fields.ListField(subfield=fields.StringField())

    def _setup(self, graph):
        root = str(self.root)
        infrastructure = {str(m) for m in self.infrastructure}
        composition = {str(m) for m in self.composition}
        return root, infrastructure, composition, _domains(graph, root, infrastructure | composition)

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, line_numbers, why in check.metadata["violations"]:
            output.print_error(f"{importer} -> {imported} (l. {', '.join(map(str, line_numbers))}): {why}")
            output.new_line()


class InfrastructureContract(_DomainContract):
    """The infrastructure packages import no domain and no composition package."""

    type_name = "infrastructure"

    def check(self, graph, verbose: bool) -> ContractCheck:
        root, infrastructure, composition, domains = self._setup(graph)
        violations = []
        for package in sorted(infrastructure):
            for importer in sorted({package, *graph.find_descendants(package)}):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    top = _top(imported)
                    if top in domains or top in composition:
                        details = graph.get_import_details(importer=importer, imported=imported)
                        violations.append((importer, imported, [d["line_number"] for d in details],
                                           f"{package} imports no domain"))
        return ContractCheck(kept=not violations, metadata={"violations": violations})


class PublicFacesContract(_DomainContract):
    """A domain imports another domain only through that domain's public modules."""

    type_name = "public_faces"
    public_modules = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph, verbose: bool) -> ContractCheck:
        root, infrastructure, composition, domains = self._setup(graph)
        public = {str(m) for m in self.public_modules if "." not in str(m)}
        public_by_name = {str(m) for m in self.public_modules if "." in str(m)}
        ignored = {tuple(part.strip() for part in str(line).split("->")) for line in (self.ignore_imports or [])}
        violations = []
        for domain in sorted(domains):
            for importer in sorted({domain, *graph.find_descendants(domain)}):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    top = _top(imported)
                    if top == domain or top not in domains:
                        continue
                    parts = imported.split(".")
                    if (len(parts) >= 3 and parts[2] in public) or ".".join(parts[:3]) in public_by_name \
                            or (importer, imported) in ignored:
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    violations.append((importer, imported, [d["line_number"] for d in details],
                                       f"import {top}.public (or {', '.join(sorted(public - {'public'}))}) instead"))
        return ContractCheck(kept=not violations, metadata={"violations": violations})
