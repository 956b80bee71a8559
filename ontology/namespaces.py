"""Namespace constants: the standard vocabularies Yuanshu reuses and its own ``ys:`` terms.

``YS`` is a closed namespace: using a term that the vocabulary does not define is an error, and a test
checks that every term here is declared in ``ys.ttl`` with Chinese and English labels.
"""

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

YS_IRI = "https://w3id.org/yuanshu/ns#"
CODE_IRI = "https://w3id.org/yuanshu/code/"


class YS(DefinedNamespace):
    """源数 vocabulary: only what DCAT, ORG, PROV-O, CPSV-AP, DQV, SKOS and DCTERMS lack."""

    _NS = Namespace(YS_IRI)
    _fail = True

    # classes
    AdministrativeArea: object
    InformationSystem: object
    DataElement: object
    Indicator: object
    IndicatorObservation: object
    LoadRun: object
    SourceFile: object
    Computation: object
    ExtraProperty: object

    # areas and departments
    parentArea: object
    area: object
    departmentType: object
    parentDepartmentName: object
    provisional: object

    # information systems
    operatedBy: object
    operatedByName: object
    buildLevel: object
    deployment: object
    status: object
    builtYear: object
    buildCost: object
    annualOpsCost: object
    connectedToSharingPlatform: object
    dependsOn: object
    dependsOnName: object

    # datasets and data elements
    publisherName: object
    publisherCode: object
    resourceCategory: object
    sharingType: object
    audience: object
    sharingCondition: object
    sharingMethod: object
    openCondition: object
    dataElement: object
    concept: object
    sourceSystem: object
    sourceSystemName: object
    recordCount: object

    # public services
    basicCode: object
    serviceType: object
    competentAuthorityName: object
    competentAuthorityCode: object
    exerciseLevel: object
    caseType: object
    legalTimeLimit: object
    promisedTimeLimit: object
    onSiteVisits: object
    onlineService: object
    onlineDepth: object
    oneWindow: object
    crossRegion: object
    electronicLicence: object
    charged: object
    highFrequency: object
    handledBy: object
    handledByName: object
    usesDataset: object
    usesDatasetRef: object
    implementationAreaCode: object

    # indicators
    unit: object
    formula: object
    baselineValue: object
    targetValue: object
    baselineYear: object
    targetYear: object
    responsibleDepartment: object
    responsibleDepartmentName: object
    dataSourceRef: object
    computable: object
    numerator: object
    denominator: object
    scopeArea: object

    # load runs and provenance
    sha256: object
    sourceKind: object
    rowsRead: object
    rowsLoaded: object
    rowsRejected: object
    currentGraph: object


CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
DQV = Namespace("http://www.w3.org/ns/dqv#")
EU_ACCESS = Namespace("http://publications.europa.eu/resource/authority/access-right/")
EU_FREQ = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
CODE = Namespace(CODE_IRI)
DCT = DCTERMS

PREFIXES: dict[str, str] = {
    "ys": YS_IRI,
    "code": CODE_IRI,
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "cpsv": str(CPSV),
    "cv": str(CV),
    "dqv": str(DQV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}

__all__ = [
    "CODE",
    "CPSV",
    "CV",
    "DCAT",
    "DCT",
    "DQV",
    "EU_ACCESS",
    "EU_FILE_TYPE",
    "EU_FREQ",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "XSD",
    "YS",
]
