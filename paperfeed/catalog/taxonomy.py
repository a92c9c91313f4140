"""Names of arXiv categories, for tooltips and headings (https://arxiv.org/category_taxonomy).

Unknown codes simply have no name: the code itself is always shown.
"""

from __future__ import annotations

NAMES = {
    # Computer science
    "cs.AI": "Artificial Intelligence", "cs.AR": "Hardware Architecture", "cs.CC": "Computational Complexity",
    "cs.CE": "Computational Engineering, Finance, and Science", "cs.CG": "Computational Geometry",
    "cs.CL": "Computation and Language", "cs.CR": "Cryptography and Security",
    "cs.CV": "Computer Vision and Pattern Recognition", "cs.CY": "Computers and Society", "cs.DB": "Databases",
    "cs.DC": "Distributed, Parallel, and Cluster Computing", "cs.DL": "Digital Libraries",
    "cs.DM": "Discrete Mathematics", "cs.DS": "Data Structures and Algorithms", "cs.ET": "Emerging Technologies",
    "cs.FL": "Formal Languages and Automata Theory", "cs.GL": "General Literature", "cs.GR": "Graphics",
    "cs.GT": "Computer Science and Game Theory", "cs.HC": "Human-Computer Interaction",
    "cs.IR": "Information Retrieval", "cs.IT": "Information Theory", "cs.LG": "Machine Learning",
    "cs.LO": "Logic in Computer Science", "cs.MA": "Multiagent Systems", "cs.MM": "Multimedia",
    "cs.MS": "Mathematical Software", "cs.NA": "Numerical Analysis", "cs.NE": "Neural and Evolutionary Computing",
    "cs.NI": "Networking and Internet Architecture", "cs.OH": "Other Computer Science",
    "cs.OS": "Operating Systems", "cs.PF": "Performance", "cs.PL": "Programming Languages", "cs.RO": "Robotics",
    "cs.SC": "Symbolic Computation", "cs.SD": "Sound", "cs.SE": "Software Engineering",
    "cs.SI": "Social and Information Networks", "cs.SY": "Systems and Control",
    # Statistics
    "stat.AP": "Applications", "stat.CO": "Computation", "stat.ME": "Methodology", "stat.ML": "Machine Learning (Statistics)",
    "stat.OT": "Other Statistics", "stat.TH": "Statistics Theory",
    # Electrical engineering and systems science
    "eess.AS": "Audio and Speech Processing", "eess.IV": "Image and Video Processing",
    "eess.SP": "Signal Processing", "eess.SY": "Systems and Control",
    # Economics, quantitative biology and finance
    "econ.EM": "Econometrics", "econ.GN": "General Economics", "econ.TH": "Theoretical Economics",
    "q-bio.BM": "Biomolecules", "q-bio.GN": "Genomics", "q-bio.NC": "Neurons and Cognition",
    "q-bio.QM": "Quantitative Methods", "q-fin.CP": "Computational Finance", "q-fin.ST": "Statistical Finance",
    # Mathematics
    "math.AG": "Algebraic Geometry", "math.AP": "Analysis of PDEs", "math.AT": "Algebraic Topology",
    "math.CA": "Classical Analysis and ODEs", "math.CO": "Combinatorics", "math.CT": "Category Theory",
    "math.DG": "Differential Geometry", "math.DS": "Dynamical Systems", "math.FA": "Functional Analysis",
    "math.GT": "Geometric Topology", "math.IT": "Information Theory", "math.LO": "Logic",
    "math.MP": "Mathematical Physics", "math.NA": "Numerical Analysis", "math.NT": "Number Theory",
    "math.OC": "Optimization and Control", "math.PR": "Probability", "math.RT": "Representation Theory",
    "math.ST": "Statistics Theory",
    # Physics
    "astro-ph": "Astrophysics", "astro-ph.CO": "Cosmology and Nongalactic Astrophysics",
    "astro-ph.GA": "Astrophysics of Galaxies", "astro-ph.HE": "High Energy Astrophysical Phenomena",
    "astro-ph.SR": "Solar and Stellar Astrophysics", "cond-mat.mes-hall": "Mesoscale and Nanoscale Physics",
    "cond-mat.mtrl-sci": "Materials Science", "cond-mat.stat-mech": "Statistical Mechanics",
    "cond-mat.str-el": "Strongly Correlated Electrons", "cond-mat.supr-con": "Superconductivity",
    "gr-qc": "General Relativity and Quantum Cosmology", "hep-ex": "High Energy Physics - Experiment",
    "hep-lat": "High Energy Physics - Lattice", "hep-ph": "High Energy Physics - Phenomenology",
    "hep-th": "High Energy Physics - Theory", "math-ph": "Mathematical Physics", "nucl-th": "Nuclear Theory",
    "nucl-ex": "Nuclear Experiment", "physics.comp-ph": "Computational Physics", "physics.optics": "Optics",
    "physics.soc-ph": "Physics and Society", "quant-ph": "Quantum Physics",
}  # fmt: skip


def category_name(code: str) -> str:
    return NAMES.get(code or "", "")
